import { spawnSync } from 'node:child_process';
import { InProcessBus, type MessageBus } from '@evcsms/bus';
import { openDatabase, type DataSource } from '@evcsms/data-access';
import { DEFAULT_GATEWAY_OPTIONS, InMemoryCredentialStore } from '@evcsms/gateway';
import { silentLogger } from '@evcsms/logging';
import { createMetricsRegistry, startOpsHttpServer, type MetricsRegistry, type OpsHttpServer } from '@evcsms/metrics';
import { InProcessConnectionRegistry, InProcessPendingCommandStore, InProcessPodChannel } from '@evcsms/registry';
import { GatewayNode } from '@evcsms/routing';
import { BillingNode, MeteredBus, queryErrorCounter, registerPoolMetrics, SessionsNode } from '@evcsms/runtime';
import { createTestDatabase, RawOcppClient, waitFor, type TestDatabase } from '@evcsms/testing';
import { selectEngine } from '@evcsms/ws-engine';
import { startApiServer, type ApiServer } from './api-server';

const ADMIN_KEY = 'metrics-exposition-admin-key-0123';

/** `promtool check metrics` on an exposition: its complaints (empty when clean). */
function promtool(exposition: string): { status: number | null; complaints: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (run.error) throw new Error(`promtool is needed for this test (Debian: apt-get install -y --no-install-recommends prometheus): ${run.error.message}`);
  return { status: run.status, complaints: `${run.stdout}${run.stderr}`.trim() };
}

/**
 * Every process's /metrics, as each process wires it (process metrics, its bus, its database,
 * its services), after real traffic put labelled series in them, passes `promtool check metrics`
 * without a single warning.
 */
describe('/metrics of the gateway, sessions, billing and API processes', () => {
  jest.setTimeout(60_000);
  const registries = {
    gateway: createMetricsRegistry({ defaultLabels: { service: 'ocpp-gateway', pod: 'gw-1' } }),
    sessions: createMetricsRegistry({ defaultLabels: { service: 'sessions', pod: 'sessions-1' } }),
    billing: createMetricsRegistry({ defaultLabels: { service: 'billing', pod: 'billing-1' } }),
    api: createMetricsRegistry({ defaultLabels: { service: 'api', pod: 'api-1' } }),
  };
  const bus = new InProcessBus();
  let database: TestDatabase;
  const dataSources: DataSource[] = [];
  let gateway: GatewayNode;
  let sessions: SessionsNode;
  let billing: BillingNode;
  let api: ApiServer;
  const ops: OpsHttpServer[] = [];
  let client: RawOcppClient | undefined;

  /** What each main does: its own pool (pool and query-error metrics) and its own metered bus. */
  async function processParts(metrics: MetricsRegistry): Promise<{ dataSource: DataSource; bus: MessageBus }> {
    const dataSource = await openDatabase({ url: database.url, onQueryError: queryErrorCounter(metrics) });
    registerPoolMetrics(metrics, dataSource);
    dataSources.push(dataSource);
    return { dataSource, bus: new MeteredBus(bus, metrics) };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const channel = new InProcessPodChannel();
    const registry = new InProcessConnectionRegistry();
    const pendingCommands = new InProcessPendingCommandStore();
    const forSessions = await processParts(registries.sessions);
    sessions = new SessionsNode(forSessions.dataSource, forSessions.bus, channel, silentLogger, { unknownStationBootPolicy: 'Accepted', metrics: registries.sessions });
    await sessions.start();
    const forGateway = await processParts(registries.gateway);
    gateway = new GatewayNode(
      {
        gateway: { ...DEFAULT_GATEWAY_OPTIONS, host: '127.0.0.1', port: 0, podId: 'gw-1', unknownStations: 'accept', allowSecurityProfile0: true },
        leaseMs: 5_000,
        replyTimeoutMs: 2_000,
        acknowledgeWhen: 'processed',
      },
      { engine: selectEngine('ws').engine, credentials: new InMemoryCredentialStore(), bus: forGateway.bus, registry, channel, pendingCommands, metrics: registries.gateway, logger: silentLogger },
    );
    const forBilling = await processParts(registries.billing);
    billing = new BillingNode(forBilling.dataSource, forBilling.bus, silentLogger, { metrics: registries.billing });
    await billing.start();
    const ocppPort = (await gateway.start()).port;
    const forApi = await processParts(registries.api);
    api = await startApiServer(
      { dataSource: forApi.dataSource, router: gateway.router, registry, pendingCommands, adminApiKey: ADMIN_KEY, metrics: registries.api, readiness: () => ({ ready: true, checks: {} }), logger: silentLogger },
      { host: '127.0.0.1', port: 0 },
    );
    for (const metrics of [registries.gateway, registries.sessions, registries.billing]) {
      ops.push(await startOpsHttpServer({ host: '127.0.0.1', port: 0, metrics, readiness: () => ({ ready: true, checks: {} }) }));
    }

    // Traffic: a 2.0.1 session from start to end, a security event, API requests and a command.
    client = await RawOcppClient.connect(`ws://127.0.0.1:${ocppPort}/ocpp/CS-METRICS`, { protocols: ['ocpp2.0.1'] });
    await client.call('b', 'BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC150' } }, 5_000);
    const event = (eventType: string, seqNo: number, energy: number) => ({
      eventType,
      timestamp: new Date().toISOString(),
      triggerReason: 'MeterValuePeriodic',
      seqNo,
      transactionInfo: { transactionId: 'TX-METRICS' },
      evse: { id: 1, connectorId: 1 },
      meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: energy, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }],
    });
    await client.call('t1', 'TransactionEvent', event('Started', 0, 1000), 5_000);
    await client.call('t2', 'TransactionEvent', event('Ended', 1, 4000), 5_000);
    await client.call('s', 'SecurityEventNotification', { type: 'StartupOfTheDevice', timestamp: new Date().toISOString() }, 5_000);
    const headers = { authorization: `Bearer ${ADMIN_KEY}` };
    await fetch(`http://127.0.0.1:${api.port}/api/v1/stations/CS-METRICS/events`, { headers });
    await fetch(`http://127.0.0.1:${api.port}/api/v1/stations/NOPE`, { headers });
    const command = fetch(`http://127.0.0.1:${api.port}/api/v1/stations/CS-METRICS/commands/clear-cache`, { method: 'POST', headers });
    const [, messageId] = await client.expectCall('ClearCache', 5_000);
    client.sendFrame([3, messageId, { status: 'Accepted' }]);
    await command;
    await waitFor(async () => (await registries.billing.render()).includes('csms_billing_session_events_applied_total{type="session-ended"'), {
      description: 'billing applied the session end',
      timeoutMs: 10_000,
    });
  });

  afterAll(async () => {
    client?.terminate();
    await api?.close();
    await gateway?.close();
    await sessions?.stop();
    await billing?.stop();
    for (const server of ops) await server.close();
    await bus.close();
    for (const dataSource of dataSources) await dataSource.destroy();
    await database?.drop();
  });

  const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

  it.each([
    ['ocpp-gateway', 0, ['ocpp_gateway_messages_total', 'csms_bus_messages_published_total', 'csms_db_pool_connections']],
    ['sessions', 1, ['csms_station_calls_processed_total{', 'csms_station_call_batch_size_bucket', 'csms_bus_messages_consumed_total{', 'csms_db_pool_waiting_clients']],
    ['billing', 2, ['csms_billing_session_events_applied_total{', 'csms_billing_pricing_failures_total{', 'csms_bus_messages_consumed_total{']],
  ] as const)('%s: promtool finds nothing to complain about', async (_process, index, expected) => {
    const exposition = await scrape(ops[index]!.port);
    for (const name of expected) expect(exposition).toContain(name);
    expect(promtool(exposition)).toEqual({ status: 0, complaints: '' });
  });

  it('api: promtool finds nothing to complain about', async () => {
    const exposition = await scrape(api.port);
    for (const name of ['http_server_requests_seconds_bucket{', 'csms_api_command_duration_seconds_count{', 'csms_db_query_errors_total', 'nodejs_active_handles']) expect(exposition).toContain(name);
    expect(promtool(exposition)).toEqual({ status: 0, complaints: '' });
  });

  it('the check itself fails on a gauge named like a counter', () => {
    const bad = '# HELP x_total a gauge\n# TYPE x_total gauge\nx_total 1\n';
    expect(promtool(bad)).toEqual({ status: 3, complaints: expect.stringContaining('non-counter metrics should not have "_total" suffix') });
  });
});
