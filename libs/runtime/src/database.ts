import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { envOptional, envString, type Env } from '@evcsms/config';
import { confirmStationCredential, openDatabase, StationCredentialLoader } from '@evcsms/data-access';
import { startEmbeddedPostgres } from '@evcsms/embedded-postgres';
import type { StationCredentialStore } from '@evcsms/gateway';
import type { Logger } from '@evcsms/logging';
import type { MetricsRegistry } from '@evcsms/metrics';
import { queryErrorCounter, registerPoolMetrics } from './database.metrics';
import type { DataSource } from '@evcsms/data-access';

export interface Database {
  readonly dataSource: DataSource;
  readonly mode: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/**
 * DATABASE_URL selects PostgreSQL; without it, PGlite keeps the data under DATA_DIR/pglite. With
 * `metrics`, the pool and failed queries are measured.
 */
export async function databaseFromEnv(env: Env, logger: Logger, applicationName: string, metrics?: MetricsRegistry): Promise<Database> {
  const measured = metrics ? { onQueryError: queryErrorCounter(metrics) } : {};
  const withPoolMetrics = (dataSource: DataSource): DataSource => {
    if (metrics) registerPoolMetrics(metrics, dataSource);
    return dataSource;
  };
  const url = envOptional(env, 'DATABASE_URL');
  if (url) {
    const dataSource = withPoolMetrics(await openDatabase({ url, applicationName, ...measured }));
    return { dataSource, mode: 'postgres', close: () => dataSource.destroy() };
  }
  const dataDir = join(envString(env, 'DATA_DIR', './data'), 'pglite');
  mkdirSync(dataDir, { recursive: true });
  const embedded = await startEmbeddedPostgres({ dataDir });
  logger.info('embedded PostgreSQL (PGlite) started', { dataDir, startedFrom: embedded.startedFrom, pid: embedded.pid });
  try {
    // pglite-socket counts a just-closed connection for a moment: keep the pool at half its limit.
    const dataSource = withPoolMetrics(await openDatabase({ url: embedded.url, poolMax: Math.max(1, Math.floor(embedded.maxConnections / 2)), applicationName, ...measured }));
    return {
      dataSource,
      mode: 'pglite',
      close: async () => {
        await dataSource.destroy();
        await embedded.stop();
      },
    };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

export function databaseCredentialStore(dataSource: DataSource): StationCredentialStore {
  const loader = new StationCredentialLoader(dataSource);
  return { find: (stationId) => loader.find(stationId), confirm: (stationId, confirmed) => confirmStationCredential(dataSource, stationId, confirmed) };
}
