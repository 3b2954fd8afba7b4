import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * PGlite (PostgreSQL compiled to WASM) served to the plain `pg` driver through pglite-socket, for
 * the embedded mode and for tests. It runs in a child process: PGlite is ESM-only, and its WASM
 * query execution would otherwise share the event loop with the OCPP gateway.
 */
export const PGLITE_SERVER_SCRIPT = join(__dirname, 'pglite-server.mjs');

export interface EmbeddedPostgres {
  /** postgres://postgres:postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * The socket server's connection limit. Keep a pg pool's `max` at about half of it: a
   * connection the pool just closed still counts for a moment, and one arriving then is refused.
   */
  readonly maxConnections: number;
  readonly pid: number;
  /** Restored from the initdb snapshot, a fresh initdb, or an existing data directory. */
  readonly startedFrom: 'snapshot' | 'initdb' | 'data-dir';
  /** Closes the database cleanly (the data directory stays consistent) and ends the process. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Keep the database in this directory (created if missing); in memory when unset. */
  readonly dataDir?: string;
  /** Concurrent client connections the socket server accepts (default 16). */
  readonly maxConnections?: number;
  /** How long start-up may take (default 60 s). */
  readonly startTimeoutMs?: number;
  /** Where an initdb snapshot is cached so a fresh database starts in ~1.5 s instead of 5-10 s. */
  readonly snapshotCache?: string;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  if (!existsSync(PGLITE_SERVER_SCRIPT)) throw new Error(`embedded PostgreSQL: ${PGLITE_SERVER_SCRIPT} is missing`);
  const args = [PGLITE_SERVER_SCRIPT, '--host', '127.0.0.1', '--port', '0', '--max-connections', String(options.maxConnections ?? 16)];
  if (options.dataDir) args.push('--data-dir', options.dataDir);
  if (options.snapshotCache) args.push('--snapshot-cache', options.snapshotCache);
  // stdin stays open: the server shuts down cleanly when it ends, i.e. when this process dies.
  // Its own process group: Ctrl-C (SIGINT to the terminal's whole group) or a group kill must not
  // close the database under a process that is still draining; this process stops it, last.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: { ...process.env, NODE_OPTIONS: '' } });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });

  const ready = await new Promise<{ host: string; port: number; maxConnections: number; from: EmbeddedPostgres['startedFrom'] }>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => reject(new Error(`PGlite did not start within ${timeoutMs} ms. ${stderr}`)), timeoutMs);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = /^PGLITE_READY (\{.*\})$/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve(JSON.parse(match[1]!) as { host: string; port: number; maxConnections: number; from: EmbeddedPostgres['startedFrom'] });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`PGlite exited with code ${code} before it was ready${options.dataDir ? ` (data dir ${options.dataDir})` : ''}. ${stderr}`));
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    child.stdin.end();
    // Closing a database with a data directory can take a moment; then insist.
    const timer = setTimeout(() => child.kill('SIGTERM'), 10_000);
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    clearTimeout(killer);
  };
  return {
    url: `postgres://postgres:postgres@${ready.host}:${ready.port}/postgres`,
    host: ready.host,
    port: ready.port,
    maxConnections: ready.maxConnections,
    pid: child.pid ?? -1,
    startedFrom: ready.from,
    stop: () => (stopping ??= stop()),
  };
}
