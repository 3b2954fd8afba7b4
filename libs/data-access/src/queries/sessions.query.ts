import { Brackets, type DataSource } from 'typeorm';
import { MeterValueEntity } from '../sessions/meter-value.entity';
import { TransactionEntity, type TransactionStatus } from '../sessions/transaction.entity';

export interface SessionFilter {
  readonly limit: number;
  readonly stationId?: string;
  readonly status?: TransactionStatus;
  /** started at or after */
  readonly from?: Date;
  /** started before */
  readonly to?: Date;
  /** keyset position: newest first, so "after" means older than this */
  readonly after?: { readonly startedAt: string; readonly id: string };
}

export function listSessions(db: DataSource, filter: SessionFilter): Promise<TransactionEntity[]> {
  const query = db.getRepository(TransactionEntity).createQueryBuilder('t').orderBy('t.started_at', 'DESC').addOrderBy('t.id', 'DESC').take(filter.limit);
  if (filter.stationId !== undefined) query.andWhere('t.station_id = :stationId', { stationId: filter.stationId });
  if (filter.status !== undefined) query.andWhere('t.status = :status', { status: filter.status });
  if (filter.from !== undefined) query.andWhere('t.started_at >= :from', { from: filter.from });
  if (filter.to !== undefined) query.andWhere('t.started_at < :to', { to: filter.to });
  const after = filter.after;
  if (after) {
    query.andWhere(
      new Brackets((where) => {
        where.where('t.started_at < :afterStarted', { afterStarted: after.startedAt }).orWhere('t.started_at = :afterStarted AND t.id < :afterId', { afterId: after.id });
      }),
    );
  }
  return query.getMany();
}

export function getSession(db: DataSource, id: string, stationId?: string): Promise<TransactionEntity | null> {
  return db.getRepository(TransactionEntity).findOneBy(stationId === undefined ? { id } : { id, stationId });
}

export function meterValuesOf(db: DataSource, sessionId: string, measurand?: string, limit = 10_000): Promise<MeterValueEntity[]> {
  return db.getRepository(MeterValueEntity).find({
    where: { transactionId: sessionId, ...(measurand ? { measurand } : {}) },
    order: { sampledAt: 'ASC', id: 'ASC' },
    take: limit,
  });
}
