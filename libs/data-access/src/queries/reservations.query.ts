import type { DataSource } from 'typeorm';
import { ReservationEntity, type ReservationStatus } from '../sessions/reservation.entity';

export interface ReservationFilter {
  readonly limit: number;
  readonly stationId?: string;
  readonly status?: ReservationStatus;
  /** keyset position: newest first */
  readonly beforeId?: number;
}

/**
 * A reservation past its expiry that no station reported on is Expired: derived when read, so
 * no sweeper has to run for the API to tell the truth.
 */
const EFFECTIVE_STATUS = `CASE WHEN r.status IN ('Requested', 'Accepted') AND r.expires_at <= now() THEN 'Expired' ELSE r.status END`;

export async function nextReservationId(db: DataSource): Promise<number> {
  const rows: Array<{ id: number }> = await db.query(`SELECT nextval('reservation_id_seq')::integer AS id`);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('reservation_id_seq returned nothing');
  return id;
}

export async function insertReservation(db: DataSource, reservation: Pick<ReservationEntity, 'id' | 'stationId' | 'evseId' | 'connectorId' | 'idToken' | 'expiresAt' | 'status'>): Promise<void> {
  await db.getRepository(ReservationEntity).insert(reservation);
}

/** Moves a reservation on only from the statuses given; returns whether it moved. */
export async function updateReservationStatus(db: DataSource, id: number, status: ReservationStatus, from: readonly ReservationStatus[]): Promise<boolean> {
  const result = await db
    .createQueryBuilder()
    .update(ReservationEntity)
    .set({ status })
    .where('id = :id AND status IN (:...from)', { id, from: [...from] })
    .execute();
  return (result.affected ?? 0) > 0;
}

export async function getReservation(db: DataSource, id: number): Promise<ReservationEntity | null> {
  const rows = await reservationQuery(db).andWhere('r.id = :id', { id }).getRawAndEntities();
  return withEffectiveStatus(rows)[0] ?? null;
}

export async function listReservations(db: DataSource, filter: ReservationFilter): Promise<ReservationEntity[]> {
  const query = reservationQuery(db).orderBy('r.id', 'DESC').take(filter.limit);
  if (filter.stationId !== undefined) query.andWhere('r.station_id = :stationId', { stationId: filter.stationId });
  if (filter.status !== undefined) query.andWhere(`${EFFECTIVE_STATUS} = :status`, { status: filter.status });
  if (filter.beforeId !== undefined) query.andWhere('r.id < :beforeId', { beforeId: filter.beforeId });
  return withEffectiveStatus(await query.getRawAndEntities());
}

function reservationQuery(db: DataSource) {
  return db.getRepository(ReservationEntity).createQueryBuilder('r').addSelect(EFFECTIVE_STATUS, 'effective_status').where('true');
}

function withEffectiveStatus(result: { entities: ReservationEntity[]; raw: Array<{ effective_status: ReservationStatus }> }): ReservationEntity[] {
  return result.entities.map((entity, index) => Object.assign(entity, { status: result.raw[index]?.effective_status ?? entity.status }));
}
