import { Brackets, type DataSource } from 'typeorm';
import { StationEventEntity } from '../station-events/station-event.entity';

export interface StationEventFilter {
  readonly stationId: string;
  readonly limit: number;
  readonly action?: string;
  /** received at or after */
  readonly from?: Date;
  /** received before */
  readonly to?: Date;
  /** keyset position: newest first, so "after" means older than this */
  readonly after?: { readonly receivedAt: string; readonly id: string };
}

/** One station's event log, newest first (index ix_station_events_station_time). */
export function listStationEvents(db: DataSource, filter: StationEventFilter): Promise<StationEventEntity[]> {
  const query = db
    .getRepository(StationEventEntity)
    .createQueryBuilder('e')
    .where('e.station_id = :stationId', { stationId: filter.stationId })
    .orderBy('e.received_at', 'DESC')
    .addOrderBy('e.id', 'DESC')
    .take(filter.limit);
  if (filter.action !== undefined) query.andWhere('e.action = :action', { action: filter.action });
  if (filter.from !== undefined) query.andWhere('e.received_at >= :from', { from: filter.from });
  if (filter.to !== undefined) query.andWhere('e.received_at < :to', { to: filter.to });
  const after = filter.after;
  if (after) {
    query.andWhere(
      new Brackets((where) => {
        where.where('e.received_at < :afterAt', { afterAt: after.receivedAt }).orWhere('e.received_at = :afterAt AND e.id < :afterId', { afterId: after.id });
      }),
    );
  }
  return query.getMany();
}

/**
 * Deletes events received before `before`, at most `batchSize` per statement so a large backlog
 * never holds one long transaction; returns how many went.
 */
export async function pruneStationEvents(db: DataSource, before: Date, batchSize = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    // TypeORM answers a DELETE with [rows, affected].
    const [, deleted] = await db.query<[unknown, number]>(
      `DELETE FROM station_events WHERE id IN (SELECT id FROM station_events WHERE received_at < $1 ORDER BY received_at LIMIT $2)`,
      [before, batchSize],
    );
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
