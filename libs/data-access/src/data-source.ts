import { DataSource } from 'typeorm';
import { QueryErrorListener } from './database-stats';
import { ENTITIES, MIGRATIONS } from './entities';

export interface DatabaseOptions {
  readonly url: string;
  /** Pool size; against PGlite keep it at about half the socket server's connection limit. */
  readonly poolMax?: number;
  readonly applicationName?: string;
  /** Told the SQLSTATE class of every failed query (for a metric). */
  readonly onQueryError?: (sqlStateClass: string) => void;
}

/**
 * The one way the platform talks to PostgreSQL (or PGlite through pglite-socket): entities and
 * migrations registered, schema changes only through migrations, never `synchronize`.
 */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    // gen_random_uuid() is core PostgreSQL since 13, and PGlite has no uuid-ossp.
    uuidExtension: 'pgcrypto',
    applicationName: options.applicationName ?? 'evcsms',
    extra: { max: options.poolMax ?? 10 },
    logging: false,
    ...(options.onQueryError ? { logger: new QueryErrorListener(options.onQueryError) } : {}),
  });
}

/** Connects and applies pending migrations (each in its own transaction). */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
