import type { DataSource, Logger as TypeOrmLogger } from 'typeorm';

export interface PoolStats {
  /** Connections open (idle or in use). */
  readonly total: number;
  readonly idle: number;
  /** Callers waiting for a connection: the pool is the bottleneck when this stays above 0. */
  readonly waiting: number;
}

/** The pg pool behind a TypeORM DataSource, for metrics. */
export function poolStats(dataSource: DataSource): PoolStats | undefined {
  const pool = (dataSource.driver as unknown as { master?: { totalCount?: number; idleCount?: number; waitingCount?: number } }).master;
  if (!pool || typeof pool.totalCount !== 'number') return undefined;
  return { total: pool.totalCount, idle: pool.idleCount ?? 0, waiting: pool.waitingCount ?? 0 };
}

/** The SQLSTATE class of a failed query ("23" integrity, "40" rollback, "08" connection...), or "none". */
export function sqlStateClass(error: unknown): string {
  const failure = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = failure?.driverError?.code ?? failure?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code.slice(0, 2) : 'none';
}

/**
 * TypeORM's logger slot, used only to hear about failed queries (TypeORM reports every failed
 * query to its logger whatever the `logging` option). Logs nothing: callers log what matters.
 */
export class QueryErrorListener implements TypeOrmLogger {
  constructor(private readonly onQueryError: (sqlStateClass: string) => void) {}

  logQueryError(error: string | Error): void {
    this.onQueryError(sqlStateClass(error));
  }
  logQuery(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
