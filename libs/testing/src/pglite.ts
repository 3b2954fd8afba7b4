// PGlite (the embedded mode's database) for tests, served to the plain `pg` driver.
//
// PGlite is ESM-only; a jest worker loads CommonJS and could only import it with
// --experimental-vm-modules. So the server runs as a child process
// (pglite-server.mjs, plain Node ESM), which also keeps its WASM heap out of the worker.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnManaged, stopManaged } from './child-process';

export interface PgliteServer {
  /** postgres://postgres:postgres@127.0.0.1:PORT/postgres */
  url: string;
  host: string;
  port: number;
  /**
   * The socket server's connection limit. Keep a pg pool's `max` well below it (half, say):
   * a connection the pool just closed still counts for a moment, and one arriving then is
   * refused ("Connection terminated unexpectedly").
   */
  maxConnections: number;
  /** Process id of the server process. */
  pid: number;
  /** How the database came to be: restored from the initdb snapshot, a fresh initdb, or an existing data directory. */
  startedFrom: 'snapshot' | 'initdb' | 'data-dir';
  /** Closes the database cleanly (a data directory stays consistent) and ends the process. */
  stop(): Promise<void>;
}

export interface PgliteServerOptions {
  /** Keep the database in this directory (created if missing); in memory when unset. */
  dataDir?: string;
  /** Concurrent client connections the socket server accepts (default 16). */
  maxConnections?: number;
  /** How long start-up may take (default 60 s). */
  startTimeoutMs?: number;
  /**
   * Where the initdb snapshot is cached (default: <tmpdir>/evcsms-testing); false to always
   * run initdb. A fresh database restored from it starts in ~1.5 s instead of 5-10 s.
   */
  snapshotCache?: string | false;
}

/** Path of the server script, for other launchers (e.g. the embedded mode) that want the same approach. */
export const PGLITE_SERVER_SCRIPT = join(__dirname, 'pglite-server.mjs');

export async function startPgliteServer(options: PgliteServerOptions = {}): Promise<PgliteServer> {
  if (!existsSync(PGLITE_SERVER_SCRIPT)) {
    throw new Error(`startPgliteServer: ${PGLITE_SERVER_SCRIPT} is missing`);
  }
  const maxConnections = options.maxConnections ?? 16;
  const args = [PGLITE_SERVER_SCRIPT, '--host', '127.0.0.1', '--port', '0', '--max-connections', String(maxConnections)];
  if (options.dataDir) args.push('--data-dir', options.dataDir);
  const snapshotCache = options.snapshotCache ?? join(tmpdir(), 'evcsms-testing');
  if (snapshotCache) args.push('--snapshot-cache', snapshotCache);
  const managed = spawnManaged('pglite-server', process.execPath, args, {
    // Node's own flags for jest (e.g. --experimental-vm-modules) are not needed here.
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let ready: RegExpMatchArray;
  try {
    ready = await managed.waitForLine(/^PGLITE_READY (\{.*\})$/, options.startTimeoutMs ?? 60_000, 'PGlite to listen');
  } catch (err) {
    await stopManaged(managed, 1000);
    throw new Error(`startPgliteServer failed${options.dataDir ? ` (dataDir ${options.dataDir})` : ''}: ${(err as Error).message}`);
  }
  const info = JSON.parse(ready[1]!) as {
    host: string;
    port: number;
    maxConnections: number;
    from: PgliteServer['startedFrom'];
  };
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres:postgres@${info.host}:${info.port}/postgres`,
    host: info.host,
    port: info.port,
    maxConnections: info.maxConnections,
    pid: managed.pid,
    startedFrom: info.from,
    // Closing the database can take a moment with a data directory: allow 10 s before SIGTERM.
    stop: () => (stopped ??= stopManaged(managed, 10_000)),
  };
}
