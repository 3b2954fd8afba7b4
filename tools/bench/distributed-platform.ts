/**
 * The platform in distributed mode for the fleet benchmarks, as separate processes the way it
 * runs as pods: the sessions service (it runs the migrations, so it starts first), optionally
 * the billing service and the API, and N gateway pods, over a fresh Kafka mock cluster, a Redis
 * namespace and a fresh PostgreSQL database.
 */
import { TOPICS } from '@evcsms/contracts';
import { pidsOfCommand } from './spine-lib';
import { createRedisNamespace, createTestDatabase, startKafkaMockCluster, startProcess, withAdminClient, withRedisClient, type RunningProcess } from '@evcsms/testing';

export interface DistributedPlatformOptions {
  readonly gateways: number;
  /** The sessions service (default true); without it the gateways only hold connections. */
  readonly withSessions?: boolean;
  /** Gateway environment on top of the defaults (admission control settings, ...). */
  readonly gatewayEnv?: Record<string, string>;
  readonly withApi?: boolean;
  readonly withBilling?: boolean;
  readonly adminApiKey?: string;
  /** Partitions of the station topics (default 8). */
  readonly partitions?: number;
  /** Environment for every platform process on top of the defaults (KAFKA_LINGER_MS=5, ...). */
  readonly env?: Record<string, string>;
  /** Writes a V8 CPU profile of every platform process into this directory when it stops. */
  readonly cpuProfileDir?: string;
}

/** What every fleet benchmark needs of a platform, whichever mode it runs in. */
export interface BenchPlatform {
  /** Every platform process by role, for CPU and memory readings. */
  readonly processes: ReadonlyMap<string, RunningProcess>;
  /** Pids of the servers the platform uses besides its own processes: pid, or every pid of a command name. */
  readonly servers: ReadonlyMap<string, number | (() => readonly number[])>;
  readonly ocppUrls: readonly string[];
  readonly apiUrl?: string;
  /** Runs a query on the platform's database. */
  query<T extends Record<string, unknown>>(text: string, parameters?: unknown[]): Promise<T[]>;
  /** How many of the processes are still the ones started. */
  alive(): number;
  stop(): Promise<void>;
}

export interface DistributedPlatform extends BenchPlatform {
  readonly gateways: readonly RunningProcess[];
  /** Stations in the connection registry (Redis). */
  registeredStations(): Promise<number>;
}

export async function startDistributedPlatform(options: DistributedPlatformOptions): Promise<DistributedPlatform> {
  const [kafka, redis, database] = await Promise.all([
    startKafkaMockCluster({ partitions: options.partitions ?? 8, topics: [TOPICS.stationCalls, TOPICS.stationPresence] }),
    createRedisNamespace(),
    createTestDatabase(),
  ]);
  const processes = new Map<string, RunningProcess>();
  const withSessions = options.withSessions ?? true;
  const shared = {
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_LOG_LEVEL: 'nothing',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    DATABASE_URL: database.url,
    HTTP_PORT: '0',
    LOG_LEVEL: 'error',
    ...options.env,
  };
  const nodeArgs = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const start = (entry: string, env: Record<string, string>): Promise<RunningProcess> => startProcess(entry, env, undefined, nodeArgs);
  const stop = async (): Promise<void> => {
    await Promise.all([...processes.values()].map((process) => process.stop()));
    await Promise.all([kafka.stop(), redis.cleanup(), database.drop()]);
  };
  try {
    if (withSessions) processes.set('sessions', await start('apps/sessions/src/main.ts', { ...shared, POD_NAME: 'sessions-1', UNKNOWN_STATION_BOOT_POLICY: 'Accepted' }));
    if (options.withBilling) processes.set('billing', await start('apps/billing/src/main.ts', { ...shared, POD_NAME: 'billing-1' }));
    if (options.withApi) {
      processes.set('api', await start('apps/api/src/main.ts', { ...shared, POD_NAME: 'api-1', ADMIN_API_KEY: options.adminApiKey ?? 'bench-admin-key-0123456789abcdef' }));
    }
    const gateways: RunningProcess[] = [];
    for (let index = 0; index < options.gateways; index++) {
      const gateway = await start('apps/ocpp-gateway/src/main.ts', {
        ...shared,
        // Without the sessions service nobody migrates the database: the gateways then run
        // without one (unknown stations are accepted; no credentials needed).
        ...(withSessions ? {} : { DATABASE_URL: '' }),
        POD_NAME: `gw-${index}`,
        OCPP_PORT: '0',
        OCPP_UNKNOWN_STATIONS: 'accept',
        OCPP_ALLOW_PROFILE_0: 'true',
        OCPP_MAX_CONNECTIONS: '19500',
        ...options.gatewayEnv,
      });
      gateways.push(gateway);
      processes.set(`gateway ${index}`, gateway);
    }
    const api = processes.get('api');
    return {
      gateways,
      processes,
      servers: new Map<string, number | (() => readonly number[])>([
        ['postgres', () => pidsOfCommand('postgres')],
        ['kafka mock', kafka.pid],
        ['redis', () => pidsOfCommand('redis-server')],
      ]),
      ocppUrls: gateways.map((gateway) => `ws://127.0.0.1:${gateway.ready['ocppPort'] as number}/ocpp`),
      ...(api ? { apiUrl: `http://127.0.0.1:${api.ready['httpPort'] as number}` } : {}),
      query: <T extends Record<string, unknown>>(text: string, parameters: unknown[] = []) =>
        withAdminClient(async (client) => (await client.query<T>(text, parameters)).rows, database.url),
      registeredStations: () => withRedisClient((client) => client.zcard(`${redis.prefix}reg:stations`), redis.url),
      alive: () => aliveCount(processes.values()),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Every process a platform runs on, by role: its own processes and the servers it uses (for CpuMeter). */
export function platformPids(platform: BenchPlatform): Map<string, number | (() => readonly number[])> {
  return new Map<string, number | (() => readonly number[])>([...[...platform.processes].map(([role, process]) => [role, process.child.pid!] as const), ...platform.servers]);
}

export function aliveCount(processes: Iterable<RunningProcess>): number {
  return [...processes].filter((process) => process.child.exitCode === null && process.child.signalCode === null).length;
}
