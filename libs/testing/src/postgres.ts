// Real PostgreSQL for tests: one fresh database per test file, dropped afterwards.
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { randomSuffix, redactUrl, testDatabaseUrl, ENV, DEFAULT_DATABASE_URL } from './env';

export interface TestDatabase {
  /** Database name (evcsms_t_<unix seconds>_<pid>_<random>). */
  name: string;
  /** Connection URL for it: the admin URL with the database name swapped in. */
  url: string;
  /** Drops it WITH (FORCE), closing any connection still open. Safe to call twice. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Database to copy: template0 (default, empty) or a name from ensureTemplateDatabase(). */
  template?: string;
  /** Admin connection URL (default: env TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres). */
  adminUrl?: string;
}

const TEST_DB_PREFIX = 'evcsms_t_';
const TEMPLATE_PREFIX = 'evcsms_tpl_';
/** Test databases left behind by a crashed run are dropped by the global setup after this age. */
export const STALE_TEST_DATABASE_AGE_MS = 6 * 60 * 60 * 1000;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `baseUrl` with its database (path) replaced by `database`. */
export function databaseUrl(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

function unreachable(url: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message || err.name : String(err);
  return new Error(
    `PostgreSQL is not reachable at ${redactUrl(url)} (${reason}). ` +
      `Integration and e2e tests need a real server: set ${ENV.databaseUrl} (default ${DEFAULT_DATABASE_URL}) ` +
      `or start the local one: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ` +
      `(bash .ci/run installs and starts it).`,
  );
}

/** Runs `fn` with a connected admin client and always closes it. Fails loudly when the server is unreachable. */
export async function withAdminClient<T>(fn: (client: Client) => Promise<T>, adminUrl = testDatabaseUrl()): Promise<T> {
  const client = new Client({
    connectionString: adminUrl,
    connectionTimeoutMillis: 5000,
    application_name: 'evcsms-testing',
  });
  client.on('error', () => undefined); // a dropped connection surfaces through the failing query instead
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw unreachable(adminUrl, err);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Checks that the server answers and that the role may create databases.
 * Returns the server version. Used by the global setup.
 */
export async function checkPostgres(adminUrl = testDatabaseUrl()): Promise<string> {
  return withAdminClient(async (client) => {
    const { rows } = await client.query<{ version: string; user: string; can_create: boolean }>(
      `SELECT current_setting('server_version') AS version, current_user AS user,
              (SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user) AS can_create`,
    );
    const row = rows[0]!;
    if (!row.can_create) {
      throw new Error(
        `PostgreSQL role "${row.user}" at ${redactUrl(adminUrl)} may not create databases; ` +
          `the tests need CREATEDB (or a superuser) in ${ENV.databaseUrl}.`,
      );
    }
    return row.version;
  }, adminUrl);
}

async function retryWhileInUse<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      // 55006 object_in_use: "source database ... is being accessed by other users"
      if ((err as { code?: string }).code !== '55006' || attempt >= 10) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/**
 * Creates a fresh, uniquely named database (by default an empty copy of template0) and
 * returns its URL. Drop it when the test file is done:
 *
 *   let db: TestDatabase;
 *   beforeAll(async () => { db = await createTestDatabase(); });
 *   afterAll(() => db.drop());
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? testDatabaseUrl();
  const template = options.template ?? 'template0';
  const name = `${TEST_DB_PREFIX}${Math.floor(Date.now() / 1000)}_${process.pid}_${randomSuffix(6)}`;
  await withAdminClient(
    (client) =>
      retryWhileInUse(() => client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`)),
    adminUrl,
  ).catch((err: Error) => {
    throw new Error(`createTestDatabase: CREATE DATABASE ${name} TEMPLATE ${template} failed: ${err.message}`, {
      cause: err,
    });
  });
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () => (dropped ??= dropDatabase(name, adminUrl)),
  };
}

/** DROP DATABASE IF EXISTS ... WITH (FORCE). */
export async function dropDatabase(name: string, adminUrl = testDatabaseUrl()): Promise<void> {
  await withAdminClient(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  }, adminUrl);
}

/**
 * A template database built once per `key` and reused by every later run (and concurrent
 * runs: creation is serialised with an advisory lock). Put a schema in it once, e.g. run
 * the migrations, then clone it per test file, which is much faster than migrating each:
 *
 *   const template = await ensureTemplateDatabase(`sessions-${migrationsHash}`, (url) => migrate(url));
 *   const db = await createTestDatabase({ template });
 *
 * Change the key whenever what `init` builds changes. `init` must close its connections.
 * The finished template refuses connections, so cloning it never meets "being accessed".
 */
export async function ensureTemplateDatabase(
  key: string,
  init: (url: string) => Promise<void>,
  options: { adminUrl?: string } = {},
): Promise<string> {
  const adminUrl = options.adminUrl ?? testDatabaseUrl();
  const slug = key.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 10);
  const name = `${TEMPLATE_PREFIX}${slug}_${hash}`;
  return withAdminClient(async (client) => {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      const { rows } = await client.query<{ datistemplate: boolean; datallowconn: boolean }>(
        'SELECT datistemplate, datallowconn FROM pg_database WHERE datname = $1',
        [name],
      );
      const existing = rows[0];
      if (existing?.datistemplate && !existing.datallowconn) return name;
      // Missing, or half-built by a run that died: (re)build it.
      if (existing) await dropTemplate(client, name);
      await client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`);
      try {
        await init(databaseUrl(adminUrl, name));
      } catch (err) {
        await dropTemplate(client, name).catch(() => undefined);
        throw new Error(`ensureTemplateDatabase(${key}): init failed: ${(err as Error).message}`, { cause: err });
      }
      await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      await client.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      return name;
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  }, adminUrl);
}

async function dropTemplate(client: Client, name: string): Promise<void> {
  await client.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE false`);
  await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

/** Drops a template made by ensureTemplateDatabase() (by its returned name). */
export async function dropTemplateDatabase(name: string, adminUrl = testDatabaseUrl()): Promise<void> {
  await withAdminClient(async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) await dropTemplate(client, name);
  }, adminUrl);
}

/** Drops test databases (evcsms_t_*) that crashed runs left behind, older than `maxAgeMs`. Returns their names. */
export async function dropStaleTestDatabases(
  maxAgeMs = STALE_TEST_DATABASE_AGE_MS,
  adminUrl = testDatabaseUrl(),
): Promise<string[]> {
  return withAdminClient(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'evcsms\\_t\\_%'`,
    );
    const cutoff = (Date.now() - maxAgeMs) / 1000;
    const stale = rows
      .map((row) => row.datname)
      .filter((name) => {
        const seconds = Number(name.slice(TEST_DB_PREFIX.length).split('_')[0]);
        return Number.isFinite(seconds) && seconds < cutoff;
      });
    for (const name of stale) {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    }
    return stale;
  }, adminUrl);
}
