import { TOPICS, type StationPresenceEnvelope } from '@evcsms/contracts';
import {
  createRedisNamespace,
  createTestDatabase,
  RawOcppClient,
  startKafkaMockCluster,
  startProcess,
  waitFor,
  type KafkaMockCluster,
  type RedisNamespace,
  type RunningProcess,
  type TestDatabase,
} from '@evcsms/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Client } from 'pg';

const ADMIN_KEY = 'distributed-admin-key-0123456789';
const STATIONS_PER_GATEWAY = 3;

/**
 * The platform as separate processes, exactly as it runs as pods: two gateways, the sessions
 * service and the API over Kafka (librdkafka's mock cluster), Redis and PostgreSQL.
 */
describe('the platform as several processes', () => {
  jest.setTimeout(180_000);
  let kafka: KafkaMockCluster;
  let redis: RedisNamespace;
  let database: TestDatabase;
  let gatewayA: RunningProcess;
  let gatewayB: RunningProcess;
  let sessions: RunningProcess;
  let api: RunningProcess;
  let presenceConsumer: Consumer;
  const presence: StationPresenceEnvelope[] = [];
  const stations = new Map<string, { client: RawOcppClient; transactionId: number; answered: number; pod: 'gw-a' | 'gw-b' }>();

  const ocppPort = (gateway: RunningProcess): number => gateway.ready['ocppPort'] as number;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
  async function request(method: string, path: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`http://127.0.0.1:${api.ready['httpPort'] as number}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
    return { status: response.status, body: await response.json() };
  }

  beforeAll(async () => {
    [kafka, redis, database] = await Promise.all([
      startKafkaMockCluster({ partitions: 4, topics: [TOPICS.stationCalls, TOPICS.stationPresence] }),
      createRedisNamespace(),
      createTestDatabase(),
    ]);
    const shared = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      DATABASE_URL: database.url,
      HTTP_PORT: '0',
      KAFKA_LOG_LEVEL: 'nothing',
    };
    // The sessions service first: it runs the migrations.
    sessions = await startProcess('apps/sessions/src/main.ts', { ...shared, POD_NAME: 'sessions-1', UNKNOWN_STATION_BOOT_POLICY: 'Accepted' });
    const gateway = (podId: string): Promise<RunningProcess> =>
      startProcess('apps/ocpp-gateway/src/main.ts', {
        ...shared,
        POD_NAME: podId,
        OCPP_PORT: '0',
        OCPP_UNKNOWN_STATIONS: 'accept',
        OCPP_ALLOW_PROFILE_0: 'true',
        REGISTRY_LEASE_MS: '3000',
      });
    [gatewayA, gatewayB, api] = await Promise.all([
      gateway('gw-a'),
      gateway('gw-b'),
      startProcess('apps/api/src/main.ts', { ...shared, POD_NAME: 'api-1', ADMIN_API_KEY: ADMIN_KEY }),
    ]);

    const client = new Kafka({ brokers: kafka.brokers, clientId: 'presence-watcher', logLevel: logLevel.NOTHING });
    presenceConsumer = client.consumer({ groupId: 'presence-watcher', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await presenceConsumer.connect();
    await presenceConsumer.subscribe({ topic: TOPICS.stationPresence, fromBeginning: true });
    await presenceConsumer.run({
      eachMessage: async ({ message }) => {
        presence.push(JSON.parse(message.value!.toString()) as StationPresenceEnvelope);
      },
    });
  });

  afterAll(async () => {
    for (const station of stations.values()) station.client.terminate();
    await presenceConsumer?.disconnect();
    await Promise.all([gatewayA, gatewayB, sessions, api].map((process) => process?.stop()));
    await kafka?.stop();
    await redis?.cleanup();
    await database?.drop();
  });

  async function meterValues(stationId: string, messageId: string, wh: number, minute: number): Promise<void> {
    const station = stations.get(stationId)!;
    const reply = await station.client.call(
      messageId,
      'MeterValues',
      {
        connectorId: 1,
        transactionId: station.transactionId,
        meterValue: [{ timestamp: `2026-11-22T12:${String(minute).padStart(2, '0')}:00Z`, sampledValue: [{ value: String(wh), unit: 'Wh' }] }],
      },
      20_000,
    );
    expect(reply).toEqual([3, messageId, {}]);
    station.answered += 1;
  }

  it('serves stations spread over both gateways, with sessions recorded by the sessions service', async () => {
    for (const [pod, gateway] of [['gw-a', gatewayA], ['gw-b', gatewayB]] as const) {
      for (let index = 0; index < STATIONS_PER_GATEWAY; index += 1) {
        const stationId = `MP-${pod}-${index}`;
        const client = await RawOcppClient.connect(`ws://127.0.0.1:${ocppPort(gateway)}/ocpp/${stationId}`, { protocols: ['ocpp1.6'] });
        expect(await client.call('boot', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC22' }, 20_000)).toEqual([
          3,
          'boot',
          expect.objectContaining({ status: 'Accepted' }),
        ]);
        const started = (await client.call('start', 'StartTransaction', { connectorId: 1, idTag: 'TAG', meterStart: 0, timestamp: '2026-11-22T12:00:00Z' }, 20_000)) as [
          number,
          string,
          { transactionId: number },
        ];
        stations.set(stationId, { client, transactionId: started[2].transactionId, answered: 0, pod });
        await meterValues(stationId, 'mv-1', 1000, 1);
      }
    }
    const connections = await request('GET', '/connections?limit=100');
    expect(connections.body.items.filter((item: { podId: string }) => item.podId === 'gw-a')).toHaveLength(STATIONS_PER_GATEWAY);
    expect(connections.body.items.filter((item: { podId: string }) => item.podId === 'gw-b')).toHaveLength(STATIONS_PER_GATEWAY);
  });

  it('routes an API command to a station on either gateway and brings the result back', async () => {
    for (const stationId of ['MP-gw-a-0', 'MP-gw-b-0']) {
      const { client } = stations.get(stationId)!;
      const pending = request('POST', `/stations/${stationId}/commands/clear-cache`);
      const [, messageId] = await client.expectCall('ClearCache', 15_000);
      client.sendFrame([3, messageId, { status: 'Accepted' }]);
      const response = await pending;
      expect(response).toEqual({ status: 200, body: { status: 'Accepted', response: { status: 'Accepted' } } });
    }
  });

  it('survives kill -9 of a gateway: its stations reconnect to the other, once offline and once online each, nothing lost or doubled', async () => {
    const orphans = [...stations.entries()].filter(([, station]) => station.pod === 'gw-a').map(([stationId]) => stationId);
    await gatewayA.stop('SIGKILL');
    // The load balancer sends the reconnecting stations to the surviving pod.
    for (const stationId of orphans) {
      const station = stations.get(stationId)!;
      await station.client.closed;
      station.client = await RawOcppClient.connect(`ws://127.0.0.1:${ocppPort(gatewayB)}/ocpp/${stationId}`, { protocols: ['ocpp1.6'] });
      station.pod = 'gw-b';
    }
    for (const [stationId] of stations) await meterValues(stationId, 'mv-2', 2000, 2);

    await waitFor(
      async () => {
        const connections = await request('GET', '/connections?podId=gw-b&limit=100');
        return connections.body.items.length === STATIONS_PER_GATEWAY * 2;
      },
      { description: 'every station registered on gw-b', timeoutMs: 20_000 },
    );
    // gw-a's lease expires, a reaper on gw-b declares its stations offline; the new connections stay.
    await waitFor(() => orphans.every((stationId) => presence.some((event) => event.type === 'station-offline' && event.stationId === stationId)), {
      description: 'offline events for the orphaned stations',
      timeoutMs: 20_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    for (const stationId of orphans) {
      const events = presence.filter((event) => event.stationId === stationId);
      expect(events.filter((event) => event.type === 'station-offline')).toHaveLength(1);
      expect(events.filter((event) => event.type === 'station-online' && event.podId === 'gw-b')).toHaveLength(1);
      expect(events.find((event) => event.type === 'station-offline')).toMatchObject({ podId: 'gw-a' });
    }
    const station = await request('GET', `/stations/${orphans[0]!}`);
    await waitFor(async () => (await request('GET', `/stations/${orphans[0]!}`)).body.online === true, { description: 'online in the API', timeoutMs: 10_000 });
    expect(station.status).toBe(200);

    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      for (const [stationId, { answered }] of stations) {
        const { rows } = await db.query<{ count: string }>('SELECT count(*) FROM meter_values WHERE station_id = $1', [stationId]);
        expect([stationId, Number(rows[0]!.count)]).toEqual([stationId, answered]);
      }
    } finally {
      await db.end();
    }
  });
});
