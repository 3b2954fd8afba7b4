import type { MessageBus } from '@evcsms/bus';
import { TOPICS, type StationCallEnvelope, type StationPresenceEnvelope } from '@evcsms/contracts';
import { DEFAULT_GATEWAY_OPTIONS, InMemoryCredentialStore } from '@evcsms/gateway';
import { silentLogger } from '@evcsms/logging';
import { createMetricsRegistry } from '@evcsms/metrics';
import type { ConnectionRegistry, PendingCommandStore, PodChannel } from '@evcsms/registry';

import { selectEngine } from '@evcsms/ws-engine';
import { RawOcppClient, waitFor } from '@evcsms/testing';
import { GatewayNode } from '../src/gateway-node';
import { StationCallConsumer } from '../src/station-call.consumer';

/** The shared parts of one "cluster": what every pod and service talks to. */
export interface SpineParts {
  readonly bus: MessageBus;
  readonly registry: () => ConnectionRegistry;
  readonly channel: () => PodChannel;
  readonly pendingCommands: () => PendingCommandStore;
  /** Makes the next publishes fail (Kafka unreachable) or work again. */
  readonly setBusAvailable?: (available: boolean) => Promise<void>;
  cleanup(): Promise<void>;
}

const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC22' };
const meterValues16 = {
  connectorId: 1,
  meterValue: [{ timestamp: '2026-11-22T10:00:00Z', sampledValue: [{ value: '1234', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
};

/**
 * Routing behaviour that must hold on every pair of adapters: in-process (embedded mode) and
 * Kafka + Redis (distributed mode). Two gateway pods and a "sessions" consumer share the spine.
 */
export function describeRoutingScenarios(name: string, makeParts: () => Promise<SpineParts>): void {
  describe(`routing over ${name}`, () => {
    jest.setTimeout(30_000);
    let parts: SpineParts;
    let podA: GatewayNode;
    let podB: GatewayNode;
    let consumer: StationCallConsumer;
    const seen: StationCallEnvelope[] = [];
    const presence: StationPresenceEnvelope[] = [];
    let presenceSubscription: { close(): Promise<void> };
    const clients: RawOcppClient[] = [];

    function node(podId: string, leaseMs = 2_000): GatewayNode {
      return new GatewayNode(
        {
          gateway: { ...DEFAULT_GATEWAY_OPTIONS, host: '127.0.0.1', port: 0, podId, unknownStations: 'accept', allowSecurityProfile0: true },
          leaseMs,
          replyTimeoutMs: 5_000,
        },
        {
          engine: selectEngine('ws').engine,
          credentials: new InMemoryCredentialStore(),
          bus: parts.bus,
          registry: parts.registry(),
          channel: parts.channel(),
          pendingCommands: parts.pendingCommands(),
          metrics: createMetricsRegistry({ processMetrics: false }),
          logger: silentLogger,
        },
      );
    }

    async function connect(pod: { port: number }, stationId: string): Promise<RawOcppClient> {
      const client = await RawOcppClient.connect(`ws://127.0.0.1:${pod.port}/ocpp/${stationId}`, { protocols: ['ocpp1.6'] });
      clients.push(client);
      return client;
    }

    let portA: { port: number };
    let portB: { port: number };

    beforeEach(async () => {
      seen.length = 0;
      presence.length = 0;
      parts = await makeParts();
      consumer = new StationCallConsumer(
        parts.bus,
        parts.channel(),
        new Map([
          [
            'BootNotification',
            async (envelope) => {
              seen.push(envelope);
              return { result: { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 } };
            },
          ],
          [
            'MeterValues',
            async (envelope) => {
              seen.push(envelope);
              return { result: {} };
            },
          ],
        ]),
        { groupId: `sessions-${Date.now()}` },
        silentLogger,
      );
      await consumer.start();
      presenceSubscription = await parts.bus.subscribe({ groupId: `presence-${Date.now()}`, topics: [TOPICS.stationPresence], fromBeginning: true }, async (batch) => {
        for (const message of batch) presence.push(JSON.parse(message.value) as StationPresenceEnvelope);
      });
      podA = node('pod-a');
      podB = node('pod-b');
      portA = await podA.start();
      portB = await podB.start();
    });

    afterEach(async () => {
      for (const client of clients.splice(0)) client.terminate();
      await podA.close().catch(() => undefined);
      await podB.close().catch(() => undefined);
      await consumer.stop();
      await presenceSubscription.close();
      await parts.cleanup();
    });

    it('answers a decision call only with the owning service’s reply, routed back to the right pod', async () => {
      const client = await connect(portB, 'CP-REPLY');
      const reply = await client.call('b1', 'BootNotification', boot16, 10_000);
      expect(reply).toEqual([3, 'b1', expect.objectContaining({ status: 'Accepted', interval: 300 })]);
      expect(seen).toEqual([expect.objectContaining({ stationId: 'CP-REPLY', podId: 'pod-b', replyMode: 'reply', action: 'BootNotification' })]);
    });

    it('acknowledges meter values once the bus holds them, and the service still receives them', async () => {
      const client = await connect(portA, 'CP-ACK');
      expect(await client.call('m1', 'MeterValues', meterValues16, 10_000)).toEqual([3, 'm1', {}]);
      await waitFor(() => seen.some((envelope) => envelope.messageId === 'm1'), { description: 'the service to see m1', timeoutMs: 10_000 });
      expect(seen.find((envelope) => envelope.messageId === 'm1')).toMatchObject({ replyMode: 'ack', payload: meterValues16 });
    });

    it('routes a command from any pod to the pod that holds the station, and back', async () => {
      const client = await connect(portA, 'CP-CMD');
      await waitFor(async () => (await parts.registry().lookup('CP-CMD'))?.podId === 'pod-a', { description: 'registration', timeoutMs: 5_000 });
      const pending = podB.router.send('CP-CMD', 'Reset', { type: 'Soft' }, { timeoutMs: 5_000 });
      const [, messageId] = await client.expectCall('Reset', 5_000);
      client.sendFrame([3, messageId, { status: 'Accepted' }]);
      await expect(pending).resolves.toEqual({ status: 'result', payload: { status: 'Accepted' } });
    });

    it('moves a station that reconnects to another pod: the old socket is evicted and the registry follows', async () => {
      const first = await connect(portA, 'CP-MOVE');
      await waitFor(async () => (await parts.registry().lookup('CP-MOVE'))?.podId === 'pod-a', { description: 'registered on A', timeoutMs: 5_000 });
      await connect(portB, 'CP-MOVE');
      await expect(first.closed).resolves.toMatchObject({ code: 1000 });
      await waitFor(async () => (await parts.registry().lookup('CP-MOVE'))?.podId === 'pod-b', { description: 'registered on B', timeoutMs: 5_000 });
      await waitFor(() => !podA.gateway.isConnected('CP-MOVE'), { description: 'pod A to let go', timeoutMs: 2_000 });
      expect(podB.gateway.isConnected('CP-MOVE')).toBe(true);
      // The old connection is reported offline exactly once (by pod B, which replaced its entry).
      await waitFor(() => presence.some((event) => event.type === 'station-offline' && event.stationId === 'CP-MOVE'), { description: 'offline event', timeoutMs: 5_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const offline = presence.filter((event) => event.type === 'station-offline' && event.stationId === 'CP-MOVE');
      expect(offline).toEqual([expect.objectContaining({ podId: 'pod-a', reason: 'moved' })]);
      expect(presence.filter((event) => event.type === 'station-online' && event.stationId === 'CP-MOVE').map((event) => event.podId)).toEqual(['pod-a', 'pod-b']);
    });

    it('queues a command for an offline station and delivers it when the station connects', async () => {
      const queued = await podB.router.send('CP-LATER', 'ClearCache', {}, { queueIfOffline: true, ttlMs: 60_000 });
      expect(queued).toMatchObject({ status: 'queued' });
      const client = await connect(portA, 'CP-LATER');
      const [, messageId] = await client.expectCall('ClearCache', 5_000);
      client.sendFrame([3, messageId, { status: 'Accepted' }]);
      const commandId = queued.status === 'queued' ? queued.commandId : '';
      await waitFor(async () => (await parts.pendingCommands().get(commandId))?.status === 'Delivered', { description: 'Delivered', timeoutMs: 5_000 });
      expect((await parts.pendingCommands().get(commandId))?.outcome).toEqual({ status: 'result', payload: { status: 'Accepted' } });
    });

    it('marks the stations of a dead pod offline exactly once, within the lease', async () => {
      await connect(portA, 'CP-ORPHAN-1');
      await connect(portA, 'CP-ORPHAN-2');
      await waitFor(async () => (await parts.registry().lookup('CP-ORPHAN-2')) !== undefined, { description: 'registration', timeoutMs: 5_000 });
      // A pod that dies stops renewing its lease and never says goodbye.
      (podA as unknown as { timers: NodeJS.Timeout[] }).timers.forEach((timer) => clearInterval(timer));
      await waitFor(async () => (await parts.registry().lookup('CP-ORPHAN-1')) === undefined, { description: 'lease expiry', timeoutMs: 8_000 });
      await waitFor(() => presence.filter((event) => event.type === 'station-offline' && event.podId === 'pod-a').length === 2, {
        description: 'two offline events',
        timeoutMs: 8_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const offline = presence.filter((event) => event.type === 'station-offline');
      expect(offline.map((event) => event.stationId).sort()).toEqual(['CP-ORPHAN-1', 'CP-ORPHAN-2']);
      expect(offline.every((event) => event.type === 'station-offline' && event.reason === 'gateway-lost')).toBe(true);
    });

  });
}
