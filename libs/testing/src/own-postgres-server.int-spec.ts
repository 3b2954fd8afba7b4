import { existsSync, readFileSync } from 'node:fs';
import { Client, Pool } from 'pg';
import { OwnPostgresServer } from './own-postgres-server';
import { waitFor } from './wait-for';

jest.setTimeout(120_000);

describe('OwnPostgresServer: a PostgreSQL of the test’s own that can be crashed and restarted', () => {
  let server: OwnPostgresServer;
  let pool: Pool;

  beforeAll(async () => {
    server = new OwnPostgresServer();
    await server.start();
    pool = new Pool({ connectionString: server.url, max: 4, connectionTimeoutMillis: 2000 });
    // A pooled connection the server dropped surfaces here; the pool replaces it.
    pool.on('error', () => undefined);
  });
  afterAll(async () => {
    await pool?.end();
    await server?.cleanup();
  });

  it('is a real PostgreSQL on 127.0.0.1 with fsync off, not running as root', async () => {
    expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const { rows } = await pool.query<{ version: string; fsync: string; user: string }>(
      "SELECT version() AS version, current_setting('fsync') AS fsync, (SELECT usename FROM pg_user WHERE usesysid = (SELECT datdba FROM pg_database WHERE datname = 'postgres')) AS user",
    );
    expect(rows[0]!.version).toMatch(/^PostgreSQL \d+/);
    expect(rows[0]!.fsync).toBe('off');
    expect(rows[0]!.user).toBe('postgres');
    // postgres refuses root: as root, the harness runs it as the `postgres` system user.
    const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]);
    expect(uid).not.toBe(0);
  });

  it('keeps committed data through a crash (immediate stop) and a clean restart, and pooled clients reconnect', async () => {
    await pool.query('CREATE TABLE meter (id serial PRIMARY KEY, wh integer NOT NULL)');
    await pool.query('INSERT INTO meter (wh) SELECT g FROM generate_series(1, 1000) AS g');
    const pidBefore = server.pid;

    await server.restart({ mode: 'immediate' });
    expect(server.pid).not.toBe(pidBefore);
    expect(server.starts).toBe(2);
    // The pool's old connections are dead; the first query may fail, the next gets a fresh one.
    const sum = await waitFor(async () => (await pool.query<{ sum: string }>('SELECT sum(wh) AS sum FROM meter')).rows[0]!.sum, {
      description: 'the pool to reconnect after the crash',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    expect(sum).toBe('500500');

    await pool.query('INSERT INTO meter (wh) VALUES (7)');
    await server.restart({ mode: 'fast' });
    const count = await waitFor(async () => (await pool.query<{ count: string }>('SELECT count(*) AS count FROM meter')).rows[0]!.count, {
      description: 'the pool to reconnect after the clean restart',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    expect(count).toBe('1001');
  });

  it('refuses connections while stopped, on the same port once started again', async () => {
    const port = server.port;
    await server.stop();
    const client = new Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
    await expect(client.connect()).rejects.toThrow();
    await server.start();
    expect(server.port).toBe(port);
    const dbUrl = await server.createDatabase('evcsms_chaos');
    const other = new Client({ connectionString: dbUrl });
    await other.connect();
    try {
      expect((await other.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db).toBe('evcsms_chaos');
    } finally {
      await other.end();
    }
  });

  it('removes its directory on cleanup', async () => {
    const extra = new OwnPostgresServer();
    await extra.start();
    expect(existsSync(extra.dataDirectory)).toBe(true);
    await extra.cleanup();
    expect(existsSync(extra.directory)).toBe(false);
  });
});
