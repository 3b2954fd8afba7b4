import { In, IsNull, type DataSource } from 'typeorm';
import { ConnectorEntity } from '../sessions/connector.entity';
import { StationEntity } from '../sessions/station.entity';

/** A WHERE fragment over the `station` alias with named parameters (e.g. a station selector). */
export interface StationCondition {
  readonly clause: string;
  readonly parameters: Record<string, unknown>;
}

/** Stations by id, deleted ones left out. */
export function listStations(db: DataSource, query: { limit: number; afterId?: string; online?: boolean; condition?: StationCondition }): Promise<StationEntity[]> {
  const builder = db.getRepository(StationEntity).createQueryBuilder('station').where('station.deleted_at IS NULL');
  if (query.afterId !== undefined) builder.andWhere('station.id > :afterId', { afterId: query.afterId });
  if (query.online !== undefined) builder.andWhere('station.online = :online', { online: query.online });
  if (query.condition) builder.andWhere(`(${query.condition.clause})`, query.condition.parameters);
  return builder.orderBy('station.id', 'ASC').take(query.limit).getMany();
}

/** The station unless it was deleted. */
export function getStation(db: DataSource, id: string): Promise<StationEntity | null> {
  return db.getRepository(StationEntity).findOneBy({ id, deletedAt: IsNull() });
}

/** Connectors of several stations in one query, in EVSE/connector order. */
export async function connectorsOf(db: DataSource, stationIds: readonly string[]): Promise<Map<string, ConnectorEntity[]>> {
  const byStation = new Map<string, ConnectorEntity[]>();
  if (stationIds.length === 0) return byStation;
  const rows = await db.getRepository(ConnectorEntity).find({ where: { stationId: In([...stationIds]) }, order: { evseId: 'ASC', connectorId: 'ASC' } });
  for (const row of rows) byStation.set(row.stationId, [...(byStation.get(row.stationId) ?? []), row]);
  return byStation;
}

/**
 * At start-up of a process that holds every connection itself (embedded mode), nothing can be
 * online yet: whatever the last run left marked online is stale.
 */
export async function markAllStationsOffline(db: DataSource, reason: string, at = new Date()): Promise<number> {
  const result = await db
    .createQueryBuilder()
    .update(StationEntity)
    .set({ online: false, offlineReason: reason, connectionId: null, gatewayPod: null, presenceAt: at })
    .where('online = true')
    .execute();
  return result.affected ?? 0;
}
