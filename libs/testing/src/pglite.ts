// PGlite (the embedded mode's database) for tests, served to the plain `pg` driver.
//
// PGlite is ESM-only; a jest worker loads CommonJS and could only import it with
// --experimental-vm-modules. So the server runs as a child process
// (pglite-server.mjs, plain Node ESM), which also keeps its WASM heap out of the worker.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGLITE_SERVER_SCRIPT, startEmbeddedPostgres, type EmbeddedPostgres } from '@evcsms/embedded-postgres';

export type PgliteServer = EmbeddedPostgres;

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

export { PGLITE_SERVER_SCRIPT };

/** PGlite for a test, with the initdb snapshot cached under the OS temp dir by default. */
export async function startPgliteServer(options: PgliteServerOptions = {}): Promise<PgliteServer> {
  const snapshotCache = options.snapshotCache ?? join(tmpdir(), 'evcsms-testing');
  try {
    return await startEmbeddedPostgres({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
      ...(options.startTimeoutMs ? { startTimeoutMs: options.startTimeoutMs } : {}),
      ...(snapshotCache ? { snapshotCache } : {}),
    });
  } catch (error) {
    throw new Error(`startPgliteServer failed${options.dataDir ? ` (dataDir ${options.dataDir})` : ''}: ${(error as Error).message}`);
  }
}
