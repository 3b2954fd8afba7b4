import { Client } from 'pg';
import {
  createTestDatabase,
  dropStaleTestDatabases,
  dropTemplateDatabase,
  ensureTemplateDatabase,
  quoteIdent,
  withAdminClient,
  type TestDatabase,
} from './postgres';

async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return withAdminClient(async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  });
}

describe('createTestDatabase (real PostgreSQL)', () => {
  let a: TestDatabase;
  let b: TestDatabase;

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([a?.drop(), b?.drop()]);
  });

  it('creates uniquely named databases reachable through their URL', async () => {
    expect(a.name).toMatch(/^evcsms_t_\d+_\d+_[a-z0-9]+$/);
    expect(a.name).not.toBe(b.name);
    expect(a.url).toContain(`/${a.name}`);
    const [row] = await query<{ db: string }>(a.url, 'SELECT current_database() AS db');
    expect(row!.db).toBe(a.name);
  });

  it('keeps databases isolated from each other', async () => {
    await query(a.url, 'CREATE TABLE only_in_a (id int PRIMARY KEY)');
    await query(a.url, 'INSERT INTO only_in_a VALUES (1)');
    expect(await query(a.url, 'SELECT * FROM only_in_a')).toEqual([{ id: 1 }]);
    await expect(query(b.url, 'SELECT * FROM only_in_a')).rejects.toMatchObject({ code: '42P01' });
  });

  it('drops the database, even with connections still open, and tolerates a second drop', async () => {
    const db = await createTestDatabase();
    const open = new Client({ connectionString: db.url });
    open.on('error', () => undefined);
    await open.connect();
    expect(await databaseExists(db.name)).toBe(true);
    await db.drop();
    await db.drop();
    expect(await databaseExists(db.name)).toBe(false);
    await open.end().catch(() => undefined);
  });

  it('fails loudly when the server cannot be reached', async () => {
    await expect(createTestDatabase({ adminUrl: 'postgres://postgres@127.0.0.1:1/postgres' })).rejects.toThrow(
      /PostgreSQL is not reachable at postgres:\/\/postgres@127\.0\.0\.1:1\/postgres.*TEST_DATABASE_URL/s,
    );
  });
});

describe('ensureTemplateDatabase', () => {
  const key = `harness-self-test-${process.pid}-${Date.now()}`;
  let template: string | undefined;
  afterAll(async () => {
    if (template) await dropTemplateDatabase(template);
  });

  it('builds the template once, even when asked concurrently, and clones carry its content', async () => {
    let inits = 0;
    const init = async (url: string): Promise<void> => {
      inits += 1;
      await query(url, 'CREATE TABLE seeded (name text)');
      await query(url, "INSERT INTO seeded VALUES ('from the template')");
    };
    const names = await Promise.all([ensureTemplateDatabase(key, init), ensureTemplateDatabase(key, init)]);
    template = names[0];
    expect(names[1]).toBe(template);
    expect(inits).toBe(1);
    expect(await ensureTemplateDatabase(key, init)).toBe(template);
    expect(inits).toBe(1);

    const clone = await createTestDatabase({ template });
    try {
      expect(await query(clone.url, 'SELECT name FROM seeded')).toEqual([{ name: 'from the template' }]);
    } finally {
      await clone.drop();
    }
  });
});

describe('dropStaleTestDatabases', () => {
  it('drops test databases older than the limit and keeps fresh ones', async () => {
    const stale = `evcsms_t_1000000000_${process.pid}_stale`;
    const fresh = await createTestDatabase();
    try {
      await withAdminClient((client) => client.query(`CREATE DATABASE ${quoteIdent(stale)} TEMPLATE template0`));
      const dropped = await dropStaleTestDatabases();
      expect(dropped).toContain(stale);
      expect(dropped).not.toContain(fresh.name);
      expect(await databaseExists(stale)).toBe(false);
      expect(await databaseExists(fresh.name)).toBe(true);
    } finally {
      await fresh.drop();
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(stale)}`));
    }
  });
});
