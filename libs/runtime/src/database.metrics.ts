import { poolStats, type DataSource } from '@evcsms/data-access';
import type { BoundCounter, MetricsRegistry } from '@evcsms/metrics';

/** Counts failed queries by SQLSTATE class (23 integrity, 40 rollback/serialization, 08 connection...). */
export function queryErrorCounter(registry: MetricsRegistry): (sqlStateClass: string) => void {
  const errors = registry.counter('csms_db_query_errors_total', 'Failed database queries by SQLSTATE class ("none": no SQLSTATE, e.g. connection lost)', ['class'] as const);
  const bound = new Map<string, BoundCounter>();
  return (sqlStateClass) => {
    let counter = bound.get(sqlStateClass);
    if (!counter) bound.set(sqlStateClass, (counter = errors.bind({ class: sqlStateClass })));
    counter.inc();
  };
}

/** The connection pool, read at scrape time: open and idle connections, callers waiting for one. */
export function registerPoolMetrics(registry: MetricsRegistry, dataSource: DataSource): void {
  registry.gauge('csms_db_pool_connections', 'Database connections in the pool, by state (total, idle)', ['state'] as const, (gauge) => {
    const stats = poolStats(dataSource);
    if (!stats) return;
    gauge.set({ state: 'total' }, stats.total);
    gauge.set({ state: 'idle' }, stats.idle);
  });
  registry.gauge('csms_db_pool_waiting_clients', 'Callers waiting for a database connection', [], (gauge) => {
    const stats = poolStats(dataSource);
    if (stats) gauge.set({}, stats.waiting);
  });
}
