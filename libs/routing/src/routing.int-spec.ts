import { InProcessBus } from '@evcsms/bus';
import { DEFAULT_GATEWAY_OPTIONS, InMemoryCredentialStore } from '@evcsms/gateway';
import { silentLogger } from '@evcsms/logging';
import { createMetricsRegistry } from '@evcsms/metrics';
import { InProcessConnectionRegistry, InProcessPendingCommandStore, InProcessPodChannel } from '@evcsms/registry';
import { RawOcppClient, waitFor } from '@evcsms/testing';
import { DEFAULT_TENANT, ENVELOPE_VERSION, TOPICS, type StationCallEnvelope } from '@evcsms/contracts';
import { selectEngine } from '@evcsms/ws-engine';
import { describeRoutingScenarios } from '../test/routing-scenarios.suite';
import { GatewayNode } from './gateway-node';
import { StationCallConsumer } from './station-call.consumer';

describeRoutingScenarios('in-process adapters', async () => {
  const bus = new InProcessBus();
  const registry = new InProcessConnectionRegistry();
  const channel = new InProcessPodChannel();
  const pendingCommands = new InProcessPendingCommandStore();
  return {
    bus,
    registry: () => registry,
    channel: () => channel,
    pendingCommands: () => pendingCommands,
    cleanup: () => bus.close(),
  };
});

describe('embedded acknowledgement: answered only once processed', () => {
  const bus = new InProcessBus();
  const registry = new InProcessConnectionRegistry();
  const channel = new InProcessPodChannel();
  let node: GatewayNode;
  let consumer: StationCallConsumer;
  let client: RawOcppClient;
  const processed: string[] = [];
  const published: StationCallEnvelope[] = [];

  beforeAll(async () => {
    await bus.subscribe({ groupId: 'observer', topics: [TOPICS.stationCalls] }, async (batch) => {
      for (const message of batch) published.push(JSON.parse(message.value) as StationCallEnvelope);
    });
    consumer = new StationCallConsumer(
      bus,
      channel,
      new Map([
        [
          'MeterValues',
          async (envelope) => {
            await new Promise((resolve) => setTimeout(resolve, 150));
            processed.push(envelope.messageId);
            return { result: {} };
          },
        ],
      ]),
      { groupId: 'sessions', answersUnclaimed: true },
      silentLogger,
    );
    await consumer.start();
    node = new GatewayNode(
      {
        gateway: { ...DEFAULT_GATEWAY_OPTIONS, host: '127.0.0.1', port: 0, podId: 'pod-embedded', unknownStations: 'accept', allowSecurityProfile0: true },
        leaseMs: 5_000,
        replyTimeoutMs: 5_000,
        acknowledgeWhen: 'processed',
      },
      {
        engine: selectEngine('ws').engine,
        credentials: new InMemoryCredentialStore(),
        bus,
        registry,
        channel,
        pendingCommands: new InProcessPendingCommandStore(),
        metrics: createMetricsRegistry({ processMetrics: false }),
        logger: silentLogger,
      },
    );
    const { port } = await node.start();
    client = await RawOcppClient.connect(`ws://127.0.0.1:${port}/ocpp/CP-EMB`, { protocols: ['ocpp2.0.1'] });
  });

  afterAll(async () => {
    client.terminate();
    await node.close();
    await consumer.stop();
    await bus.close();
  });

  it('answers MeterValues after the service has processed them, not before', async () => {
    const payload = { evseId: 1, meterValue: [{ timestamp: '2026-11-22T10:00:00Z', sampledValue: [{ value: 1 }] }] };
    expect(await client.call('mv-1', 'MeterValues', payload, 5_000)).toEqual([3, 'mv-1', {}]);
    expect(processed).toEqual(['mv-1']);
  });

  it('answers an unclaimed acknowledgement-only call with the empty answer', async () => {
    const notifyEvent = {
      generatedAt: '2026-11-22T10:00:00Z',
      seqNo: 0,
      eventData: [
        { eventId: 1, timestamp: '2026-11-22T10:00:00Z', trigger: 'Alerting', actualValue: 'x', eventNotificationType: 'HardWiredNotification', component: { name: 'C' }, variable: { name: 'V' } },
      ],
    };
    expect(await client.call('ne-1', 'NotifyEvent', notifyEvent, 5_000)).toEqual([3, 'ne-1', {}]);
  });

  it('answers an unclaimed decision call with NotSupported instead of letting the station time out', async () => {
    const reply = await client.call('dt-1', 'DataTransfer', { vendorId: 'acme' }, 5_000);
    expect(reply).toEqual([4, 'dt-1', 'NotSupported', expect.stringContaining('DataTransfer'), {}]);
    // The envelope says until when the station waits for its answer.
    const envelope = published.find((candidate) => candidate.messageId === 'dt-1')!;
    expect(Date.parse(envelope.answerBy!) - Date.parse(envelope.receivedAt)).toBe(5_000);
  });
});

describe('overdue decision calls: a backlog does not feed itself', () => {
  const bus = new InProcessBus();
  const channel = new InProcessPodChannel();
  const processed: string[] = [];
  const replies: string[] = [];
  let consumer: StationCallConsumer;

  beforeAll(async () => {
    const record = async (envelope: StationCallEnvelope) => {
      processed.push(envelope.messageId);
      return { result: {} };
    };
    await channel.listen('pod-a', (message: string) => void replies.push((JSON.parse(message) as { messageId: string }).messageId));
    consumer = new StationCallConsumer(bus, channel, new Map([['BootNotification', record], ['StatusNotification', record]]), { groupId: 'sessions' }, silentLogger);
    await consumer.start();
  });
  afterAll(async () => {
    await consumer.stop();
    await bus.close();
  });

  const envelope = (messageId: string, action: string, payload: Record<string, unknown>, answerBy: number): StationCallEnvelope => ({
    v: ENVELOPE_VERSION,
    type: 'station-call',
    stationId: `CP-${messageId}`,
    tenantId: DEFAULT_TENANT,
    protocol: 'ocpp1.6',
    action,
    messageId,
    podId: 'pod-a',
    connectionId: `conn-${messageId}`,
    receivedAt: new Date(answerBy - 10_000).toISOString(),
    replyMode: 'reply',
    answerBy: new Date(answerBy).toISOString(),
    payload,
  });

  it('skips a boot its gateway has already answered InternalError, but keeps acknowledgement-only calls and boots still awaited', async () => {
    const boot = { chargePointVendor: 'ACME', chargePointModel: 'X' };
    const status = { connectorId: 1, errorCode: 'NoError', status: 'Available' };
    await bus.publish(TOPICS.stationCalls, [
      { key: 'CP-late', value: JSON.stringify(envelope('late', 'BootNotification', boot, Date.now() - 5_000)) },
      { key: 'CP-late-status', value: JSON.stringify(envelope('late-status', 'StatusNotification', status, Date.now() - 5_000)) },
      { key: 'CP-awaited', value: JSON.stringify(envelope('awaited', 'BootNotification', boot, Date.now() + 5_000)) },
    ]);
    await waitFor(() => replies.length === 2, { description: 'the replies', timeoutMs: 5_000 });
    expect(processed.sort()).toEqual(['awaited', 'late-status']);
    expect(replies.sort()).toEqual(['awaited', 'late-status']);
  });
});
