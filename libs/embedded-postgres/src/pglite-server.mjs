#!/usr/bin/env node
// PGlite (PostgreSQL compiled to WASM) served on a TCP port through pglite-socket, so the
// plain `pg` driver (and TypeORM) can connect. Runs as its own process because PGlite is
// ESM-only and jest workers load CommonJS; see libs/testing/src/pglite.ts.
//
//   node libs/testing/src/pglite-server.mjs [--data-dir DIR] [--host 127.0.0.1] [--port 0]
//        [--max-connections 16] [--snapshot-cache DIR] [--no-stdin-watch]
//
// Without --data-dir the database lives in memory. Once listening it prints one line on
// stdout:  PGLITE_READY {"host":"127.0.0.1","port":12345,"maxConnections":16,...}
// It shuts down cleanly (closing the database, so a data directory is consistent) on
// SIGTERM, SIGINT, or when its stdin ends, which happens when the parent exits or dies
// (--no-stdin-watch turns that off, for running it by hand).
//
// --snapshot-cache DIR: a fresh database (in memory, or a data directory without one yet)
// is restored from DIR/pglite-<version>-initdb.tar.gz instead of running initdb, which
// takes several seconds; the first fresh start writes that snapshot.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'max-connections': { type: 'string', default: '16' },
    'snapshot-cache': { type: 'string' },
    'no-stdin-watch': { type: 'boolean', default: false },
  },
});

const dataDir = values['data-dir'] || null;
const host = values.host;
const port = Number(values.port);
const maxConnections = Number(values['max-connections']);

let db;
let server;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  try {
    if (server) await server.stop();
    if (db && !db.closed) await db.close();
  } catch (err) {
    console.error('pglite-server: error while stopping:', err);
    code = code || 1;
  }
  process.exit(code);
}

process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
if (!values['no-stdin-watch']) {
  process.stdin.on('end', () => void shutdown(0));
  process.stdin.on('error', () => void shutdown(0));
  process.stdin.resume();
}

function snapshotPath() {
  if (!values['snapshot-cache']) return null;
  const require = createRequire(import.meta.url);
  const pkg = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const { version } = JSON.parse(readFileSync(pkg, 'utf8'));
  return join(values['snapshot-cache'], `pglite-${version}-initdb.tar.gz`);
}

async function open() {
  const fresh = !dataDir || !existsSync(join(dataDir, 'PG_VERSION'));
  const dataDirExisted = Boolean(dataDir && existsSync(dataDir));
  const snapshot = fresh ? snapshotPath() : null;
  if (snapshot && existsSync(snapshot)) {
    try {
      const loadDataDir = new Blob([readFileSync(snapshot)]);
      const restored = dataDir ? new PGlite(dataDir, { loadDataDir }) : new PGlite({ loadDataDir });
      await restored.waitReady;
      return { db: restored, from: 'snapshot' };
    } catch (err) {
      console.error(`pglite-server: snapshot ${snapshot} unusable, running initdb instead:`, err);
      rmSync(snapshot, { force: true });
      if (dataDir && !dataDirExisted) rmSync(dataDir, { recursive: true, force: true });
      else if (dataDir) throw err;
    }
  }
  const created = dataDir ? new PGlite(dataDir) : new PGlite();
  await created.waitReady;
  if (snapshot) {
    // Written before any client connects, so it is an untouched initdb.
    try {
      const dump = Buffer.from(await (await created.dumpDataDir('gzip')).arrayBuffer());
      mkdirSync(dirname(snapshot), { recursive: true });
      const partial = `${snapshot}.${process.pid}.tmp`;
      writeFileSync(partial, dump);
      renameSync(partial, snapshot);
    } catch (err) {
      console.error('pglite-server: could not write the initdb snapshot (continuing):', err);
    }
  }
  return { db: created, from: fresh ? 'initdb' : 'data-dir' };
}

/** Extended-protocol messages that leave a query half-sent: Parse, Bind, Describe, Execute, Close, Flush. */
const MID_QUERY = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

/**
 * pglite-socket queues every protocol message on its own and only keeps one connection's
 * messages together inside a transaction. A parameterised query is Parse, Bind, Describe,
 * Execute, Sync: another connection's messages in between replace the one unnamed statement
 * ("unnamed prepared statement does not exist", or worse, a Bind of someone else's statement).
 * Reporting "in transaction" until the Sync keeps a connection's query together, exactly as
 * the queue already does for transactions.
 */
function keepExtendedQueriesTogether(pglite) {
  let midQuery = false;
  const execProtocolRawStream = pglite.execProtocolRawStream.bind(pglite);
  const isInTransaction = pglite.isInTransaction.bind(pglite);
  pglite.execProtocolRawStream = async (message, options) => {
    try {
      return await execProtocolRawStream(message, options);
    } finally {
      midQuery = message.length > 0 && MID_QUERY.has(message[0]);
    }
  };
  pglite.isInTransaction = () => midQuery || isInTransaction();
}

try {
  const opened = await open();
  db = opened.db;
  keepExtendedQueriesTogether(db);
  server = new PGLiteSocketServer({ db, host, port, maxConnections });
  server.addEventListener('error', (event) => console.error('pglite-server: socket error:', event.detail));
  let listening;
  server.addEventListener('listening', (event) => {
    listening = event.detail;
  });
  await server.start();
  process.stdout.write(
    `PGLITE_READY ${JSON.stringify({ host, port: listening?.port ?? port, maxConnections, dataDir, from: opened.from })}\n`,
  );
} catch (err) {
  console.error('pglite-server: failed to start:', err);
  await shutdown(1);
}
