import { In, MoreThan, type DataSource } from 'typeorm';
import { ConnectorEntity } from '../sessions/connector.entity';
import { StationEntity } from '../sessions/station.entity';

export function listStations(db: DataSource, query: { limit: number; afterId?: string; online?: boolean }): Promise<StationEntity[]> {
  return db.getRepository(StationEntity).find({
    where: { ...(query.afterId !== undefined ? { id: MoreThan(query.afterId) } : {}), ...(query.online === undefined ? {} : { online: query.online }) },
    order: { id: 'ASC' },
    take: query.limit,
  });
}

export function getStation(db: DataSource, id: string): Promise<StationEntity | null> {
  return db.getRepository(StationEntity).findOneBy({ id });
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
