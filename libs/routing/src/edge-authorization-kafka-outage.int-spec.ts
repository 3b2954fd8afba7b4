import type { KafkaBus } from '@evcsms/bus-kafka';
import { TOPICS, type StationCallEnvelope } from '@evcsms/contracts';
import type { MetricsRegistry } from '@evcsms/metrics';
import { RawOcppClient, startKafkaMockCluster, waitFor, type KafkaMockCluster } from '@evcsms/testing';
import { startKafkaGatewayNode } from '../test/kafka-gateway-node';
import type { GatewayNode } from './gateway-node';

/**
 * Kafka down: an Authorize cannot reach the sessions service at all. The station gets an answer
 * from the gateway (here the default policy for a token it never saw: Invalid) instead of
 * InternalError, and the decision reaches Kafka once Kafka is back.
 */
describe('Authorize while Kafka is down', () => {
  jest.setTimeout(90_000);
  let kafka: KafkaMockCluster;
  let bus: KafkaBus;
  let node: GatewayNode;
  let metrics: MetricsRegistry;
  let client: RawOcppClient;

  beforeAll(async () => {
    kafka = await startKafkaMockCluster({ topics: [TOPICS.stationCalls, TOPICS.stationPresence] });
    let port: number;
    ({ bus, node, metrics, port } = await startKafkaGatewayNode(kafka, { podId: 'pod-edge-kafka', replyTimeoutMs: 4_000 }));
    client = await RawOcppClient.connect(`ws://127.0.0.1:${port}/ocpp/CP-EDGE-KAFKA`, { protocols: ['ocpp1.6'] });
  });

  afterAll(async () => {
    client?.terminate();
    await node?.close();
    await bus?.close();
    await kafka?.stop();
  });

  it('answers Invalid for an unknown token within the budget, and publishes the decision when Kafka is back', async () => {
    await kafka.brokerDown();
    const started = Date.now();
    expect(await client.call('tap', 'Authorize', { idTag: 'NEVER-SEEN' }, 10_000)).toEqual([3, 'tap', { idTagInfo: { status: 'Invalid' } }]);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await metrics.render()).toMatch(/ocpp_gateway_edge_authorizations_total\{outcome="rejected",reason="unknown",trigger="(timeout|unavailable)"\} 1/);

    await kafka.brokerUp();
    const seen: StationCallEnvelope[] = [];
    const subscription = await bus.subscribe({ groupId: 'edge-decision-reader', topics: [TOPICS.stationCalls], fromBeginning: true }, async (batch) => {
      for (const message of batch) seen.push(JSON.parse(message.value) as StationCallEnvelope);
    });
    try {
      const record = await waitFor(() => seen.find((envelope) => envelope.edgeDecision !== undefined), { description: 'the edge decision on Kafka', timeoutMs: 45_000 });
      expect(record).toMatchObject({
        stationId: 'CP-EDGE-KAFKA',
        action: 'Authorize',
        messageId: 'tap',
        replyMode: 'ack',
        payload: { idTag: 'NEVER-SEEN' },
        edgeDecision: { status: 'Invalid', source: 'policy' },
      });
      expect(record!.answerBy).toBeUndefined();
    } finally {
      await subscription.close();
    }
  });
});
