/**
 * How fast a consumer group member drains a backlog from librdkafka's mock cluster, depending on
 * partitionsConsumedConcurrently and on how offsets are committed. Found while building
 * spine-inbound.bench.ts: the KafkaBus consumer (commit after every partition batch, 4 partitions
 * at once by default) fell far behind a gateway producing a few thousand messages/s.
 *
 *   node -r @swc-node/register tools/bench/spine-consumer-commits.micro.ts [--messages 20000]
 *
 * A fresh mock cluster (8 partitions) gets --messages 200-byte messages in produce requests of 16
 * (two per partition: what the gateway's producer sends at moderate rates), then each variant
 * reads all of them as a new consumer group, from the beginning:
 * - KafkaBus.subscribe with partitionsConsumedConcurrently 1, 2 and 4 (the adapter commits each
 *   partition batch once it is processed);
 * - plain kafkajs eachBatch, partitionsConsumedConcurrently 4: commit per batch as KafkaBus does,
 *   the same commits chained so that one is in flight at a time, and no commits.
 * Each variant is bounded by --limit-ms (90 s). Everything runs in this process on 127.0.0.1.
 */
import { performance } from 'node:perf_hooks';
/* eslint-disable @nx/enforce-module-boundaries -- measures the Kafka adapter and kafkajs itself */
import { KafkaBus } from '@evcsms/bus-kafka';
import { startKafkaMockCluster, type KafkaMockCluster } from '@evcsms/testing';
import { Kafka, logLevel, type EachBatchPayload } from 'kafkajs';
/* eslint-enable @nx/enforce-module-boundaries */
import { flagInt, fmtInt, loadAverage, machine, markdownTable, parseFlags, sleep } from './bench-lib';

const flags = parseFlags(process.argv.slice(2));
const total = flagInt(flags, 'messages', 20_000);
const limitMs = flagInt(flags, 'limit-ms', 90_000);
const TOPIC = 'spine-consumer-commits';

interface Variant {
  readonly label: string;
  /** Starts consuming, calling `seen()` per message; returns a stop function. */
  start(kafka: KafkaMockCluster, groupId: string, seen: (n: number) => void): Promise<() => Promise<void>>;
}

function rawVariant(label: string, commit: 'each' | 'chained' | 'interval' | 'background' | 'none'): Variant {
  return {
    label,
    async start(kafka, groupId, seen) {
      const consumer = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).consumer({ groupId, maxWaitTimeInMs: 1000 });
      await consumer.connect();
      await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
      let chain: Promise<unknown> = Promise.resolve();
      let inFlight: Promise<void> | undefined;
      await consumer.run({
        // 'interval': kafkajs commits the resolved offsets at most every 500 ms.
        autoCommit: commit === 'interval' || commit === 'background',
        ...(commit === 'interval' || commit === 'background' ? { autoCommitInterval: 500 } : {}),
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 4,
        eachBatch: async (payload: EachBatchPayload) => {
          const { batch } = payload;
          const last = batch.messages[batch.messages.length - 1];
          if (!last) return;
          seen(batch.messages.length);
          payload.resolveOffset(last.offset);
          const offsets = { topics: [{ topic: TOPIC, partitions: [{ partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }] }] };
          if (commit === 'each') await payload.commitOffsetsIfNecessary(offsets);
          else if (commit === 'chained') await (chain = chain.then(() => payload.commitOffsetsIfNecessary(offsets)));
          else if (commit === 'interval') await payload.commitOffsetsIfNecessary();
          else if (commit === 'background') inFlight ??= payload.commitOffsetsIfNecessary().finally(() => (inFlight = undefined));
        },
      });
      return () => consumer.disconnect();
    },
  };
}

function busVariant(concurrently: number): Variant {
  return {
    label: `KafkaBus.subscribe, partitionsConsumedConcurrently ${concurrently}${concurrently === 4 ? ' (default)' : ''}`,
    async start(kafka, groupId, seen) {
      const bus = new KafkaBus({ brokers: kafka.brokers, logLevel: 'nothing', consumer: { partitionsConsumedConcurrently: concurrently } });
      const subscription = await bus.subscribe({ groupId, topics: [TOPIC], fromBeginning: true }, (messages) => {
        seen(messages.length);
        return Promise.resolve();
      });
      return async () => {
        await subscription.close();
        await bus.close();
      };
    },
  };
}

const VARIANTS: readonly Variant[] = [
  busVariant(1),
  busVariant(2),
  busVariant(4),
  rawVariant('kafkajs eachBatch, 4 partitions at once, commit per batch (KafkaBus before commitIntervalMs)', 'each'),
  rawVariant('kafkajs eachBatch, 4 partitions at once, resolved offsets committed every 500 ms (autoCommitInterval)', 'interval'),
  rawVariant('kafkajs eachBatch, 4 partitions at once, every 500 ms, one commit in flight, not awaited by the batch', 'background'),
  rawVariant('kafkajs eachBatch, 4 partitions at once, commits chained (one in flight)', 'chained'),
  rawVariant('kafkajs eachBatch, 4 partitions at once, no commits', 'none'),
];

async function main(): Promise<void> {
  const deadline = setTimeout(() => process.exit(3), limitMs * (VARIANTS.length + 1) + 60_000);
  deadline.unref();
  const info = machine();
  const kafka = await startKafkaMockCluster({ partitions: 8, topics: [TOPIC] });
  try {
    const producer = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const value = 'x'.repeat(200);
    for (let i = 0; i < total; i += 16) {
      await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: Math.min(16, total - i) }, (_, j) => ({ key: `station-${(i + j) % 2000}`, value })) });
    }
    await producer.disconnect();

    const rows: string[][] = [];
    for (const [index, variant] of VARIANTS.entries()) {
      let count = 0;
      const started = performance.now();
      const stop = await variant.start(kafka, `commits-${index}`, (n) => {
        count += n;
      });
      while (count < total && performance.now() - started < limitMs) await sleep(20);
      const ms = performance.now() - started;
      await stop();
      rows.push([variant.label, `${fmtInt(count)} / ${fmtInt(total)}`, fmtInt(ms), fmtInt((count * 1000) / ms)]);
      process.stderr.write(`${rows[rows.length - 1]!.join(' | ')}\n`);
    }
    process.stdout.write(
      `### Draining ${fmtInt(total)} messages from the mock cluster (8 partitions, produce requests of 16)\n\n` +
        `${info['date']}, ${info['node']}, nproc ${info['nproc']}, load average ${loadAverage()}; times include joining the group\n\n` +
        `${markdownTable(['consumer', 'messages read', 'ms', 'messages/s'], rows)}\n`,
    );
  } finally {
    await kafka.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`spine-consumer-commits failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
