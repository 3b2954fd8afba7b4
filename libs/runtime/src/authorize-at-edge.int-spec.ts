import { InProcessBus } from '@evcsms/bus';
import { openDatabase, type DataSource } from '@evcsms/data-access';
import { DEFAULT_GATEWAY_OPTIONS, InMemoryCredentialStore } from '@evcsms/gateway';
import { silentLogger } from '@evcsms/logging';
import { createMetricsRegistry, type MetricsRegistry } from '@evcsms/metrics';
import { InProcessConnectionRegistry, InProcessPendingCommandStore, InProcessPodChannel } from '@evcsms/registry';
import { GatewayNode } from '@evcsms/routing';
import { createTestDatabase, RawOcppClient, waitFor, type TestDatabase } from '@evcsms/testing';
import { selectEngine } from '@evcsms/ws-engine';
import { SessionsNode } from './sessions-node';

const REPLY_BUDGET_MS = 2_000;

/**
 * A driver's tap while the sessions service is down: a real gateway node, the in-process bus,
 * the sessions service on PostgreSQL, stopped and started again. The station is answered from
 * the gateway's token cache, the service records the edge answer when it is back, and the
 * session started on it is flagged (the token was blocked meanwhile), not refused afterwards.
 */
describe('Authorize during a sessions outage, end to end', () => {
  jest.setTimeout(60_000);
  let database: TestDatabase;
  let dataSource: DataSource;
  let bus: InProcessBus;
  let channel: InProcessPodChannel;
  let sessions: SessionsNode | undefined;
  let node: GatewayNode;
  let metrics: MetricsRegistry;
  let ocppPort: number;
  const clients: RawOcppClient[] = [];

  const startSessions = async (): Promise<void> => {
    sessions = new SessionsNode(dataSource, bus, channel, silentLogger, { heartbeatIntervalSec: 300, unknownStationBootPolicy: 'Accepted' });
    await sessions.start();
  };
  const stopSessions = async (): Promise<void> => {
    await sessions?.stop();
    sessions = undefined;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url });
    bus = new InProcessBus();
    channel = new InProcessPodChannel();
    metrics = createMetricsRegistry({ processMetrics: false });
    await startSessions();
    node = new GatewayNode(
      {
        gateway: { ...DEFAULT_GATEWAY_OPTIONS, host: '127.0.0.1', port: 0, podId: 'pod-edge', unknownStations: 'accept', allowSecurityProfile0: true },
        leaseMs: 5_000,
        replyTimeoutMs: REPLY_BUDGET_MS,
      },
      {
        engine: selectEngine('uws').engine,
        credentials: new InMemoryCredentialStore(),
        bus,
        registry: new InProcessConnectionRegistry(),
        channel,
        pendingCommands: new InProcessPendingCommandStore(),
        metrics,
        logger: silentLogger,
      },
    );
    ocppPort = (await node.start()).port;
    await dataSource.query(`INSERT INTO id_tokens (id_token, type, status) VALUES ('CARD-16', 'ISO14443', 'Accepted'), ('CARD-201', 'ISO14443', 'Accepted')`);
  });

  afterAll(async () => {
    for (const client of clients) client.terminate();
    await node?.close();
    await stopSessions();
    await bus?.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  async function station(id: string, protocol: 'ocpp1.6' | 'ocpp2.0.1'): Promise<RawOcppClient> {
    const client = await RawOcppClient.connect(`ws://127.0.0.1:${ocppPort}/ocpp/${id}`, { protocols: [protocol] });
    clients.push(client);
    return client;
  }

  const edgeRows = (stationId: string): Promise<Array<Record<string, unknown>>> =>
    dataSource.query(`SELECT message_id, id_token, edge_status, source, reason, service_status FROM edge_authorizations WHERE station_id = $1`, [stationId]);

  it('1.6: Authorize answered from the cache while the service is down; recorded when it is back; the session flagged', async () => {
    const cp = await station('CP-EDGE-16', 'ocpp1.6');
    expect((await cp.call('boot', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC22' }, 5_000))[2]).toMatchObject({ status: 'Accepted' });
    expect(await cp.call('auth-1', 'Authorize', { idTag: 'CARD-16' }, 5_000)).toEqual([3, 'auth-1', { idTagInfo: { status: 'Accepted' } }]);

    // The card is blocked, and the sessions service goes down before it could tell anyone.
    await dataSource.query(`UPDATE id_tokens SET status = 'Blocked' WHERE id_token = 'CARD-16'`);
    await stopSessions();
    const started = Date.now();
    expect(await cp.call('auth-2', 'Authorize', { idTag: 'CARD-16' }, 5_000)).toEqual([3, 'auth-2', { idTagInfo: { status: 'Accepted' } }]);
    expect(Date.now() - started).toBeLessThan(REPLY_BUDGET_MS);
    expect(await metrics.render()).toContain('ocpp_gateway_edge_authorizations_total{outcome="accepted",reason="cached-accepted",trigger="timeout"} 1');

    // Back within the budget: it answers the original Authorize too (Blocked), which must not reach the station.
    await startSessions();
    await waitFor(async () => (await edgeRows('CP-EDGE-16')).length === 1, { description: 'the edge decision recorded', timeoutMs: 10_000 });
    expect(await edgeRows('CP-EDGE-16')).toEqual([
      { message_id: 'auth-2', id_token: 'CARD-16', edge_status: 'Accepted', source: 'cached', reason: 'timeout', service_status: 'Blocked' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, REPLY_BUDGET_MS));
    expect(cp.received.filter((frame) => Array.isArray(frame) && frame[1] === 'auth-2')).toHaveLength(1);

    const start = await cp.call('start', 'StartTransaction', { connectorId: 1, idTag: 'CARD-16', meterStart: 0, timestamp: new Date().toISOString() }, 5_000);
    expect(start[2]).toMatchObject({ transactionId: expect.any(Number), idTagInfo: { status: 'Blocked' } });
    const [session] = await dataSource.query(`SELECT status, auth_status, flags FROM transactions WHERE station_id = 'CP-EDGE-16'`);
    expect(session).toEqual({ status: 'active', auth_status: 'Blocked', flags: ['unauthorized-start', 'authorized-at-edge'] });
  });

  it('2.0.1: answered from the cache during the outage; the session the TransactionEvent starts afterwards is flagged authorized-at-edge', async () => {
    const cs = await station('CP-EDGE-201', 'ocpp2.0.1');
    const token = { idToken: 'CARD-201', type: 'ISO14443' };
    await cs.call('boot', 'BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC150' } }, 5_000);
    await cs.call('auth-1', 'Authorize', { idToken: token }, 5_000);
    await stopSessions();
    expect(await cs.call('auth-2', 'Authorize', { idToken: token }, 5_000)).toEqual([3, 'auth-2', { idTokenInfo: { status: 'Accepted' } }]);
    // The station starts charging at once; its TransactionEvent waits for the service with the rest.
    const event = {
      eventType: 'Started',
      timestamp: new Date().toISOString(),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'TX-EDGE-201' },
      idToken: token,
      evse: { id: 1, connectorId: 1 },
    };
    await startSessions();
    const [, , reply] = await cs.call('tx-1', 'TransactionEvent', event, 5_000);
    expect(reply).toMatchObject({ idTokenInfo: { status: 'Accepted' } });
    expect(await edgeRows('CP-EDGE-201')).toEqual([
      { message_id: 'auth-2', id_token: 'CARD-201', edge_status: 'Accepted', source: 'cached', reason: 'timeout', service_status: 'Accepted' },
    ]);
    expect(await dataSource.query(`SELECT flags FROM transactions WHERE station_id = 'CP-EDGE-201'`)).toEqual([{ flags: ['authorized-at-edge'] }]);
  });
});
