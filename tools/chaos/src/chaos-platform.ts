import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TOPICS } from '@evcsms/contracts';
import {
  freePort,
  OwnPostgresServer,
  OwnRedisServer,
  startKafkaMockCluster,
  startProcess,
  waitFor,
  type KafkaMockCluster,
  type RunningProcess,
} from '@evcsms/testing';
import { ChaosApi } from './chaos-api';

const ROOT = join(__dirname, '..', '..', '..');

/** The platform's processes, by role. Gateways are `gw-a` and `gw-b`. */
export type PlatformRole = 'gw-a' | 'gw-b' | 'sessions' | 'api' | 'billing';

export const GATEWAYS = ['gw-a', 'gw-b'] as const;

export interface ChaosPlatformOptions {
  /** Registry lease of the gateways (ms). Default 3000. */
  readonly registryLeaseMs?: number;
  /** Kafka consumer session timeout of the services (ms). Default 6000 (production default 30 s). */
  readonly kafkaSessionTimeoutMs?: number;
  /** Start apps/billing when it exists. Default true. */
  readonly billing?: boolean;
  /** Extra environment for every platform process. */
  readonly env?: Readonly<Record<string, string>>;
}

interface ManagedRole {
  readonly role: PlatformRole;
  readonly entry: string;
  readonly env: Record<string, string>;
  process: RunningProcess;
  /** pids this role has had, first the one started with the platform. */
  readonly pids: number[];
  /** Restarts the harness did on purpose (a killed pod that Kubernetes would replace). */
  restartsByHarness: number;
}

const ADMIN_API_KEY = 'chaos-admin-key-0123456789abcdef';

/**
 * The distributed platform as separate processes, as it runs in Kubernetes: a Kafka (librdkafka's
 * mock cluster, steerable), a Redis and a PostgreSQL of its own (so they can be restarted), two
 * gateway pods, the sessions service, the API and, when the app exists, the billing service.
 *
 * The processes are started from source with the production entry points and configured only
 * through their environment; nothing in them knows about the test.
 */
export class ChaosPlatform {
  readonly roles = new Map<PlatformRole, ManagedRole>();
  readonly adminApiKey = ADMIN_API_KEY;
  readonly billingEnabled: boolean;
  api!: ChaosApi;
  kafka!: KafkaMockCluster;
  redis!: OwnRedisServer;
  postgres!: OwnPostgresServer;
  private databaseUrl = '';
  private stopping = false;

  private constructor(private readonly options: ChaosPlatformOptions) {
    this.billingEnabled = (options.billing ?? true) && existsSync(join(ROOT, 'apps/billing/src/main.ts'));
  }

  static async start(options: ChaosPlatformOptions = {}): Promise<ChaosPlatform> {
    const platform = new ChaosPlatform(options);
    try {
      await platform.boot();
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  /** ws://127.0.0.1:PORT/ocpp of each gateway, in GATEWAYS order (what a load balancer would front). */
  ocppUrls(): string[] {
    return GATEWAYS.map((role) => `ws://127.0.0.1:${this.role(role).env['OCPP_PORT']}/ocpp`);
  }

  role(role: PlatformRole): ManagedRole {
    const managed = this.roles.get(role);
    if (!managed) throw new Error(`no ${role} in this platform`);
    return managed;
  }

  /** kill -9 of one process. */
  async kill(role: PlatformRole): Promise<void> {
    await this.role(role).process.stop('SIGKILL');
  }

  /** SIGTERM, as Kubernetes stops a pod in a rolling update: the process drains and exits by itself. */
  async drain(role: PlatformRole): Promise<void> {
    const code = await this.role(role).process.stop('SIGTERM');
    if (code !== 0) throw new Error(`${role} did not drain cleanly: exit code ${String(code)}\n${this.tail(role)}`);
  }

  /** Starts a killed process again with the same configuration, as a Deployment replaces a dead pod. */
  async restart(role: PlatformRole): Promise<void> {
    const managed = this.role(role);
    if (managed.process.child.exitCode === null && managed.process.child.signalCode === null) throw new Error(`${role} is still running`);
    managed.process = await startProcess(managed.entry, managed.env, 90_000);
    managed.pids.push(managed.process.child.pid ?? -1);
    managed.restartsByHarness += 1;
  }

  /** Roles whose process has exited without the harness asking (each would have needed a restart). */
  deadProcesses(): PlatformRole[] {
    return [...this.roles.values()].filter((m) => m.process.child.exitCode !== null || m.process.child.signalCode !== null).map((m) => m.role);
  }

  /** Per role: pids, restarts the harness did, and whether the current process is alive. */
  processReport(): Array<{ role: PlatformRole; pids: number[]; restartsByHarness: number; alive: boolean }> {
    return [...this.roles.values()].map((m) => ({
      role: m.role,
      pids: [...m.pids],
      restartsByHarness: m.restartsByHarness,
      alive: m.process.child.exitCode === null && m.process.child.signalCode === null,
    }));
  }

  /** Last lines a process wrote (for failure messages). */
  tail(role: PlatformRole, lines = 30): string {
    return this.role(role).process.output.join('').split('\n').slice(-lines).join('\n');
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await Promise.all([...this.roles.values()].map((m) => m.process.stop().catch(() => undefined)));
    await this.kafka?.stop().catch(() => undefined);
    await this.redis?.stop().catch(() => undefined);
    await this.postgres?.cleanup().catch(() => undefined);
  }

  private async boot(): Promise<void> {
    this.postgres = new OwnPostgresServer();
    this.redis = new OwnRedisServer(await freePort());
    const [kafka] = await Promise.all([
      startKafkaMockCluster({ partitions: 4, topics: [TOPICS.stationCalls, TOPICS.stationPresence] }),
      this.postgres.start(),
      this.redis.start(),
    ]);
    this.kafka = kafka;
    this.databaseUrl = await this.postgres.createDatabase('evcsms');
    const sessionTimeout = this.options.kafkaSessionTimeoutMs ?? 6000;
    const shared: Record<string, string> = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      REDIS_URL: this.redis.url,
      DATABASE_URL: this.databaseUrl,
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      KAFKA_LOG_LEVEL: 'nothing',
      KAFKA_SESSION_TIMEOUT_MS: String(sessionTimeout),
      KAFKA_REBALANCE_TIMEOUT_MS: String(sessionTimeout),
      KAFKA_HEARTBEAT_INTERVAL_MS: String(Math.max(100, Math.floor(sessionTimeout / 6))),
      ...this.options.env,
    };
    // The sessions service first: it runs the migrations.
    await this.launch('sessions', 'apps/sessions/src/main.ts', { ...shared, POD_NAME: 'sessions-1', UNKNOWN_STATION_BOOT_POLICY: 'Accepted' });
    const gatewayEnv = async (pod: string): Promise<Record<string, string>> => ({
      ...shared,
      POD_NAME: pod,
      // A fixed port: the restarted pod comes back behind the same "load balancer" address.
      OCPP_PORT: String(await freePort()),
      OCPP_HOST: '127.0.0.1',
      OCPP_UNKNOWN_STATIONS: 'accept',
      OCPP_ALLOW_PROFILE_0: 'true',
      REGISTRY_LEASE_MS: String(this.options.registryLeaseMs ?? 3000),
      // A drain (rolling update) ends well inside the harness's 20 s before it would use SIGKILL.
      OCPP_DRAIN_DEADLINE_MS: '5000',
      OCPP_DRAIN_SPREAD_MS: '4000',
    });
    const [envA, envB] = await Promise.all([gatewayEnv('gw-a'), gatewayEnv('gw-b')]);
    await Promise.all([
      this.launch('gw-a', 'apps/ocpp-gateway/src/main.ts', envA),
      this.launch('gw-b', 'apps/ocpp-gateway/src/main.ts', envB),
      this.launch('api', 'apps/api/src/main.ts', { ...shared, POD_NAME: 'api-1', ADMIN_API_KEY }),
      ...(this.billingEnabled ? [this.launch('billing', 'apps/billing/src/main.ts', { ...shared, POD_NAME: 'billing-1', BILLING_COST_UPDATES: 'false' })] : []),
    ]);
    this.api = new ChaosApi(() => `http://127.0.0.1:${this.role('api').process.ready['httpPort'] as number}`, ADMIN_API_KEY);
    await waitFor(async () => (await this.api.get('/connections?limit=1')).status === 200, { description: 'the API to answer', timeoutMs: 30_000, intervalMs: 200 });
  }

  private async launch(role: PlatformRole, entry: string, env: Record<string, string>): Promise<void> {
    const process = await startProcess(entry, env, 120_000);
    this.roles.set(role, { role, entry, env, process, pids: [process.child.pid ?? -1], restartsByHarness: 0 });
  }
}
