import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { startPgliteServer, type PgliteServer } from './pglite';

jest.setTimeout(60_000);

describe('startPgliteServer (in memory) serves the plain pg driver', () => {
  let server: PgliteServer;
  let pool: Pool;

  beforeAll(async () => {
    server = await startPgliteServer({ maxConnections: 8 });
    // Headroom below maxConnections: a connection the pool has just closed still counts on
    // the server for a moment, and a new one arriving then would be refused.
    pool = new Pool({ connectionString: server.url, max: server.maxConnections / 2 });
    pool.on('error', () => undefined);
  });
  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  });

  it('answers as PostgreSQL (PGlite)', async () => {
    expect(server.url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
    const { rows } = await pool.query<{ version: string }>('SELECT version() AS version');
    expect(rows[0]!.version).toMatch(/PostgreSQL .*PGlite/);
  });

  it('creates a table with jsonb and timestamptz and round-trips values', async () => {
    await pool.query(`CREATE TABLE station (
      id text PRIMARY KEY,
      info jsonb NOT NULL,
      seen_at timestamptz NOT NULL
    )`);
    const seenAt = new Date('2026-01-02T03:04:05.678Z');
    await pool.query('INSERT INTO station (id, info, seen_at) VALUES ($1, $2, $3)', [
      'CS-1',
      JSON.stringify({ vendor: 'Acme', connectors: [1, 2] }),
      seenAt,
    ]);
    const { rows } = await pool.query<{ info: unknown; vendor: string; seen_at: Date }>(
      "SELECT info, info->>'vendor' AS vendor, seen_at FROM station WHERE id = $1",
      ['CS-1'],
    );
    expect(rows[0]!.info).toEqual({ vendor: 'Acme', connectors: [1, 2] });
    expect(rows[0]!.vendor).toBe('Acme');
    expect(rows[0]!.seen_at).toBeInstanceOf(Date);
    expect(rows[0]!.seen_at.toISOString()).toBe(seenAt.toISOString());
  });

  it('commits and rolls back transactions', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("INSERT INTO station VALUES ('CS-2', '{}', now())");
      await client.query('COMMIT');
      await client.query('BEGIN');
      await client.query("INSERT INTO station VALUES ('CS-3', '{}', now())");
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM station ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual(['CS-1', 'CS-2']);
  });

  it('reports a unique violation as SQLSTATE 23505', async () => {
    await expect(pool.query("INSERT INTO station VALUES ('CS-1', '{}', now())")).rejects.toMatchObject({
      code: '23505',
      constraint: 'station_pkey',
    });
  });

  it('serves several pooled connections at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        pool.query<{ n: number }>('SELECT $1::int AS n, pg_sleep(0.01)', [i]),
      ),
    );
    expect(results.map((result) => result.rows[0]!.n)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('stops: the port refuses connections afterwards', async () => {
    const other = await startPgliteServer();
    // The first fresh start on a machine ran initdb and cached it; later ones restore that.
    expect(other.startedFrom).toBe('snapshot');
    await other.stop();
    await other.stop();
    const client = new Client({ connectionString: other.url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});

describe('startPgliteServer with a data directory', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'evcsms-pglite-')), 'data');
  afterAll(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  it('keeps data across a stop and a restart', async () => {
    const first = await startPgliteServer({ dataDir });
    expect(first.startedFrom).toBe('snapshot');
    const c1 = new Client({ connectionString: first.url });
    await c1.connect();
    await c1.query('CREATE TABLE kept (v text)');
    await c1.query("INSERT INTO kept VALUES ('survives restarts')");
    await c1.end();
    await first.stop();

    const second = await startPgliteServer({ dataDir });
    expect(second.startedFrom).toBe('data-dir');
    try {
      const c2 = new Client({ connectionString: second.url });
      await c2.connect();
      const { rows } = await c2.query('SELECT v FROM kept');
      await c2.end();
      expect(rows).toEqual([{ v: 'survives restarts' }]);
    } finally {
      await second.stop();
    }
  });
});
