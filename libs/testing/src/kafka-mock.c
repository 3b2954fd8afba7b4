/*
 * kafka-mock: a librdkafka mock cluster (the real Kafka wire protocol) that a
 * test can steer. Built on demand by libs/testing/src/kafka.ts with
 *   cc -O1 -o kafka-mock kafka-mock.c -lrdkafka      (Debian: librdkafka-dev)
 *
 * Usage: kafka-mock BROKER_COUNT
 *
 * Prints "bootstrap.servers=HOST:PORT[,HOST:PORT...]" on stdout once the
 * listeners are up, then reads one command per line on stdin and answers each
 * with one line, "ok" or "error <message>":
 *   topic NAME PARTITIONS [REPLICATION]   create a topic (auto-created topics
 *                                         get librdkafka's default of 4)
 *   down BROKER_ID|-1                     disconnect a broker, refuse clients
 *   up BROKER_ID|-1                       let it serve again (same address)
 *   rtt BROKER_ID MS                      add round-trip latency
 *   ping                                  liveness check
 * End of stdin (the parent closed it or died) or SIGTERM ends the cluster.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void answer(rd_kafka_resp_err_t err) {
        if (err)
                printf("error %s\n", rd_kafka_err2str(err));
        else
                printf("ok\n");
        fflush(stdout);
}

int main(int argc, char **argv) {
        char errstr[512];
        char line[1024];
        int broker_cnt = argc > 1 ? atoi(argv[1]) : 1;
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        rd_kafka_mock_cluster_t *mcluster;

        if (broker_cnt < 1 || broker_cnt > 16) {
                fprintf(stderr, "kafka-mock: broker count must be 1..16\n");
                return 2;
        }
        signal(SIGPIPE, SIG_IGN);

        conf = rd_kafka_conf_new();
        /* Only a handle for the mock cluster: it never connects anywhere. */
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "kafka-mock: rd_kafka_new: %s\n", errstr);
                return 1;
        }
        mcluster = rd_kafka_mock_cluster_new(rk, broker_cnt);
        if (!mcluster) {
                fprintf(stderr, "kafka-mock: could not create the mock cluster\n");
                return 1;
        }
        printf("bootstrap.servers=%s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
        fflush(stdout);

        while (fgets(line, sizeof(line), stdin)) {
                char name[512];
                int a = 0, b = 0, n;
                line[strcspn(line, "\r\n")] = '\0';
                if (!strcmp(line, "ping")) {
                        answer(RD_KAFKA_RESP_ERR_NO_ERROR);
                } else if ((n = sscanf(line, "topic %511s %d %d", name, &a, &b)) >= 2) {
                        if (n < 3)
                                b = 1;
                        answer(rd_kafka_mock_topic_create(mcluster, name, a, b));
                } else if (sscanf(line, "down %d", &a) == 1) {
                        answer(rd_kafka_mock_broker_set_down(mcluster, a));
                } else if (sscanf(line, "up %d", &a) == 1) {
                        answer(rd_kafka_mock_broker_set_up(mcluster, a));
                } else if (sscanf(line, "rtt %d %d", &a, &b) == 2) {
                        answer(rd_kafka_mock_broker_set_rtt(mcluster, a, b));
                } else {
                        printf("error unknown command: %s\n", line);
                        fflush(stdout);
                }
        }

        rd_kafka_mock_cluster_destroy(mcluster);
        rd_kafka_destroy(rk);
        return 0;
}
