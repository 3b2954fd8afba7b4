import type { KafkaBus } from '@evcsms/bus-kafka';
import { TOPICS } from '@evcsms/contracts';
import { RawOcppClient, startKafkaMockCluster, waitFor, type KafkaMockCluster } from '@evcsms/testing';
import { startKafkaGatewayNode } from '../test/kafka-gateway-node';
import type { GatewayNode } from './gateway-node';

const meterValues = (minute: number) => ({
  connectorId: 1,
  meterValue: [{ timestamp: `2026-11-22T10:${String(minute).padStart(2, '0')}:00Z`, sampledValue: [{ value: String(minute * 100) }] }],
});

/** When Kafka is unreachable nothing is acknowledged that Kafka does not hold, and all recovers by itself. */
describe('a gateway whose Kafka goes away', () => {
  jest.setTimeout(90_000);
  let kafka: KafkaMockCluster;
  let bus: KafkaBus;
  let node: GatewayNode;
  let client: RawOcppClient;

  beforeAll(async () => {
    kafka = await startKafkaMockCluster({ topics: [TOPICS.stationCalls, TOPICS.stationPresence] });
    let port: number;
    ({ bus, node, port } = await startKafkaGatewayNode(kafka, { podId: 'pod-outage', replyTimeoutMs: 3_000 }));
    client = await RawOcppClient.connect(`ws://127.0.0.1:${port}/ocpp/CP-OUTAGE`, { protocols: ['ocpp1.6'] });
  });

  afterAll(async () => {
    client?.terminate();
    await node?.close();
    await bus?.close();
    await kafka?.stop();
  });

  it('acknowledges meter values once Kafka holds them', async () => {
    expect(await client.call('before', 'MeterValues', meterValues(1), 10_000)).toEqual([3, 'before', {}]);
    expect(node.gateway.readiness().ready).toBe(true);
  });

  it('answers InternalError instead of an acknowledgement while Kafka is down, keeps the socket, and reports not ready', async () => {
    await kafka.brokerDown();
    const started = Date.now();
    const reply = await client.call('during', 'MeterValues', meterValues(2), 15_000);
    expect(reply).toEqual([4, 'during', 'InternalError', expect.stringContaining('durable'), {}]);
    expect(Date.now() - started).toBeLessThan(5_000);
    await waitFor(() => !node.gateway.readiness().ready, { description: 'not ready', timeoutMs: 10_000 });
    expect(node.gateway.readiness().checks['bus']).toBe(false);
    // Heartbeats need nothing durable: the connection keeps working.
    expect((await client.call('hb', 'Heartbeat', {}, 5_000))[0]).toBe(3);
    expect(client.closeCode).toBeUndefined();
  });

  it('recovers without a restart once Kafka is back', async () => {
    await kafka.brokerUp();
    await waitFor(() => node.gateway.readiness().ready, { description: 'ready again', timeoutMs: 30_000 });
    expect(await client.call('after', 'MeterValues', meterValues(3), 15_000)).toEqual([3, 'after', {}]);
  });
});
