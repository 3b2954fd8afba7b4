import { silentBusLog } from '@evcsms/bus';
import { KafkaBus } from '@evcsms/bus-kafka';
import { DEFAULT_GATEWAY_OPTIONS, InMemoryCredentialStore } from '@evcsms/gateway';
import { silentLogger } from '@evcsms/logging';
import { createMetricsRegistry, type MetricsRegistry } from '@evcsms/metrics';
import { InProcessConnectionRegistry, InProcessPendingCommandStore, InProcessPodChannel } from '@evcsms/registry';
import type { KafkaMockCluster } from '@evcsms/testing';
import { selectEngine } from '@evcsms/ws-engine';
import { GatewayNode } from '../src/gateway-node';

/** A gateway node on the uWS engine whose bus is a quick-to-notice KafkaBus on the mock cluster: for outage tests. */
export async function startKafkaGatewayNode(
  kafka: KafkaMockCluster,
  options: { podId: string; replyTimeoutMs: number },
): Promise<{ bus: KafkaBus; node: GatewayNode; metrics: MetricsRegistry; port: number }> {
  const bus = new KafkaBus({ brokers: kafka.brokers, publishTimeoutMs: 1_500, healthCheckIntervalMs: 200, connectionTimeoutMs: 500, requestTimeoutMs: 1_000, log: silentBusLog });
  await bus.connect();
  const metrics = createMetricsRegistry({ processMetrics: false });
  const node = new GatewayNode(
    {
      gateway: { ...DEFAULT_GATEWAY_OPTIONS, host: '127.0.0.1', port: 0, podId: options.podId, unknownStations: 'accept', allowSecurityProfile0: true },
      leaseMs: 10_000,
      replyTimeoutMs: options.replyTimeoutMs,
    },
    {
      engine: selectEngine('uws').engine,
      credentials: new InMemoryCredentialStore(),
      bus,
      registry: new InProcessConnectionRegistry(),
      channel: new InProcessPodChannel(),
      pendingCommands: new InProcessPendingCommandStore(),
      metrics,
      logger: silentLogger,
    },
  );
  const { port } = await node.start();
  return { bus, node, metrics, port };
}
