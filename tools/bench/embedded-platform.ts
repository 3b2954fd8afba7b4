/**
 * The platform in embedded mode for the fleet benchmarks: the all-in-one process behind
 * `npm start` (gateway, sessions, billing and API on the in-process bus and registry) over PGlite
 * in its own process. The benchmark starts PGlite itself, rather than letting the launcher do it,
 * only to be able to read the database from outside; the launcher then talks to it as it would to
 * its own child.
 */
import { startPgliteServer, startProcess, temporaryDirectory, withAdminClient, type RunningProcess } from '@evcsms/testing';
import { aliveCount, type BenchPlatform } from './distributed-platform';

export interface EmbeddedPlatformOptions {
  readonly adminApiKey: string;
  /** Environment of the all-in-one process on top of the defaults. */
  readonly env?: Record<string, string>;
  /** Writes a V8 CPU profile of the all-in-one process into this directory when it stops. */
  readonly cpuProfileDir?: string;
}

/** Half of it is the launcher's pool (docs: keep a pool at about half the socket server's limit). */
const PGLITE_MAX_CONNECTIONS = 32;

export async function startEmbeddedPlatform(options: EmbeddedPlatformOptions): Promise<BenchPlatform> {
  const data = temporaryDirectory('bench-embedded-');
  const pglite = await startPgliteServer({ maxConnections: PGLITE_MAX_CONNECTIONS });
  const processes = new Map<string, RunningProcess>();
  const stop = async (): Promise<void> => {
    await Promise.all([...processes.values()].map((process) => process.stop()));
    await pglite.stop();
    data.remove();
  };
  try {
    const csms = await startProcess(
      'apps/csms/src/main.ts',
      {
        OCPP_PORT: '0',
        HTTP_PORT: '0',
        DATA_DIR: data.path,
        DATABASE_URL: pglite.url,
        ADMIN_API_KEY: options.adminApiKey,
        LOG_LEVEL: 'error',
        OCPP_MAX_CONNECTIONS: '19500',
        ...options.env,
      },
      undefined,
      options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [],
    );
    processes.set('csms', csms);
    return {
      processes,
      servers: new Map([['pglite', pglite.pid]]),
      ocppUrls: [`ws://127.0.0.1:${csms.ready['ocppPort'] as number}/ocpp`],
      apiUrl: `http://127.0.0.1:${csms.ready['httpPort'] as number}`,
      query: <T extends Record<string, unknown>>(text: string, parameters: unknown[] = []) =>
        withAdminClient(async (client) => (await client.query<T>(text, parameters)).rows, pglite.url),
      alive: () => aliveCount(processes.values()),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
