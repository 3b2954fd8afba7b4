import { InProcessBus } from '@evcsms/bus';
import { openDatabase, type DataSource } from '@evcsms/data-access';
import { DEFAULT_GATEWAY_OPTIONS, InMemoryCredentialStore } from '@evcsms/gateway';
import { createLogger, silentLogger } from '@evcsms/logging';
import { createMetricsRegistry } from '@evcsms/metrics';
import { InProcessConnectionRegistry, InProcessPendingCommandStore, InProcessPodChannel } from '@evcsms/registry';
import { GatewayNode } from '@evcsms/routing';
import { BillingNode, databaseCredentialStore, SessionsNode } from '@evcsms/runtime';
import { createTestDatabase, RawOcppClient, waitFor, type TestDatabase } from '@evcsms/testing';
import { selectEngine } from '@evcsms/ws-engine';
import { startApiServer, type ApiServer } from '../src/api-server';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface ApiResponse {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
  readonly body: any;
  readonly type: string;
}

/**
 * The platform in one process for API tests: a gateway node with real WebSockets, the API over
 * real HTTP, a fresh PostgreSQL database and, when asked, the sessions service on the same bus
 * (and with it the billing service, unless `withBilling: false`).
 */
export class InProcessPlatform {
  readonly registry = new InProcessConnectionRegistry();
  readonly pendingCommands = new InProcessPendingCommandStore();
  readonly bus = new InProcessBus();
  private readonly clients: RawOcppClient[] = [];
  private database!: TestDatabase;
  dataSource!: DataSource;
  api!: ApiServer;
  node!: GatewayNode;
  private sessions: SessionsNode | undefined;
  private billing: BillingNode | undefined;
  private ocppPort = 0;
  /** What the API logged (info and above) and its metrics. */
  readonly apiLogs: Array<Record<string, unknown>> = [];
  readonly apiMetrics = createMetricsRegistry({ processMetrics: false });

  readonly gatewayLogs: Array<Record<string, unknown>> = [];

  /**
   * `callTimeoutMs`: the gateway's call timeout, and with it the API's bound on `timeoutSeconds`.
   * `stationAuth`: 'embedded' (default: unknown stations accepted at profile 0, credentials in
   * memory) or 'production' (credentials from the database, unknown stations and profile 0
   * refused, 127.0.0.1 trusted as a TLS-terminating proxy).
   */
  static async start(options: {
    withSessions: boolean;
    withBilling?: boolean;
    billingTimeZone?: string;
    callTimeoutMs?: number;
    stationAuth?: 'embedded' | 'production';
  }): Promise<InProcessPlatform> {
    const platform = new InProcessPlatform();
    await platform.boot(
      options.withSessions,
      options.withBilling ?? options.withSessions,
      options.billingTimeZone ?? 'UTC',
      options.callTimeoutMs ?? DEFAULT_GATEWAY_OPTIONS.callTimeoutMs,
      options.stationAuth ?? 'embedded',
    );
    return platform;
  }

  private async boot(withSessions: boolean, withBilling: boolean, billingTimeZone: string, callTimeoutMs: number, stationAuth: 'embedded' | 'production'): Promise<void> {
    const production = stationAuth === 'production';
    this.database = await createTestDatabase();
    this.dataSource = await openDatabase({ url: this.database.url });
    const channel = new InProcessPodChannel();
    if (withSessions) {
      this.sessions = new SessionsNode(this.dataSource, this.bus, channel, silentLogger, { heartbeatIntervalSec: 300, unknownStationBootPolicy: 'Accepted' });
      await this.sessions.start();
    }
    this.node = new GatewayNode(
      {
        gateway: {
          ...DEFAULT_GATEWAY_OPTIONS,
          host: '127.0.0.1',
          port: 0,
          podId: 'pod-api',
          unknownStations: production ? 'reject' : 'accept',
          allowSecurityProfile0: !production,
          ...(production ? { trustedProxies: ['127.0.0.1'] } : {}),
          callTimeoutMs,
        },
        leaseMs: 5_000,
        replyTimeoutMs: 2_000,
        // As in embedded mode: a station's message is answered once it has been processed.
        acknowledgeWhen: 'processed',
      },
      {
        engine: selectEngine('ws').engine,
        credentials: production ? databaseCredentialStore(this.dataSource) : new InMemoryCredentialStore(),
        bus: this.bus,
        registry: this.registry,
        channel,
        pendingCommands: this.pendingCommands,
        metrics: createMetricsRegistry({ processMetrics: false }),
        logger: production ? createLogger({ sink: (line) => this.gatewayLogs.push(JSON.parse(line) as Record<string, unknown>) }) : silentLogger,
      },
    );
    if (withBilling) {
      // CostUpdated goes through the gateway's router, as in the all-in-one process.
      this.billing = new BillingNode(this.dataSource, this.bus, silentLogger, { timeZone: billingTimeZone, stationCommands: this.node.router, costUpdateIntervalMs: 0 });
      await this.billing.start();
    }
    this.ocppPort = (await this.node.start()).port;
    this.api = await startApiServer(
      {
        dataSource: this.dataSource,
        router: this.node.router,
        registry: this.registry,
        pendingCommands: this.pendingCommands,
        adminApiKey: ADMIN_KEY,
        allowSecurityProfile0: !production,
        callTimeoutMs,
        metrics: this.apiMetrics,
        readiness: () => ({ ready: true, checks: {} }),
        logger: createLogger({ sink: (line) => this.apiLogs.push(JSON.parse(line) as Record<string, unknown>) }),
      },
      { host: '127.0.0.1', port: 0 },
    );
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.terminate();
    await this.api?.close();
    await this.node?.close();
    await this.sessions?.stop();
    await this.billing?.stop();
    await this.bus.close();
    await this.dataSource?.destroy();
    await this.database?.drop();
  }

  async call(method: string, path: string, options: { key?: string | null; body?: unknown } = {}): Promise<ApiResponse> {
    const key = options.key === undefined ? ADMIN_KEY : options.key;
    const response = await fetch(`http://127.0.0.1:${this.api.port}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    // JSON and problem+json are parsed; anything else (CSV) is handed over as text.
    return { status: response.status, body: text && type.includes('json') ? JSON.parse(text) : text || undefined, type };
  }

  ocppUrl(stationId: string): string {
    return `ws://127.0.0.1:${this.ocppPort}/ocpp/${stationId}`;
  }

  /** Connects a station and has its BootNotification accepted (needs the sessions service). */
  async bootStation(stationId: string, protocol: 'ocpp1.6' | 'ocpp2.0.1'): Promise<RawOcppClient> {
    const client = await this.connectStation(stationId, protocol);
    const boot = protocol === 'ocpp1.6' ? { chargePointVendor: 'Acme', chargePointModel: 'AC22' } : { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC150' } };
    const answer = await client.call('b', 'BootNotification', boot, 5_000);
    if ((answer[2] as { status?: unknown } | undefined)?.status !== 'Accepted') throw new Error(`${stationId} was not accepted: ${JSON.stringify(answer)}`);
    return client;
  }

  async connectStation(stationId: string, protocol: 'ocpp1.6' | 'ocpp2.0.1', headers: Record<string, string> = {}): Promise<RawOcppClient> {
    const client = await RawOcppClient.connect(this.ocppUrl(stationId), { protocols: [protocol], headers });
    this.clients.push(client);
    await waitFor(async () => (await this.registry.lookup(stationId)) !== undefined, { description: `${stationId} registered`, timeoutMs: 5_000 });
    return client;
  }
}
