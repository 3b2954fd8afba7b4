import type { Sql } from '../infrastructure/unit-of-work';

/** reservations: the CSMS creates them (ReserveNow); stations end them. */
export class ReservationRepository {
  constructor(private readonly sql: Sql) {}

  /** A session started on the reservation. Returns whether anything changed. */
  async markUsed(stationId: string, reservationId: number): Promise<boolean> {
    const changed = await this.sql.execute(
      `UPDATE reservations SET status = 'Used', updated_at = now() WHERE id = $1 AND station_id = $2 AND status <> 'Used'`,
      [reservationId, stationId],
    );
    return changed > 0;
  }

  /** Ends a reservation that is still open (Requested / Accepted); a Used one stays Used. */
  async end(stationId: string, reservationId: number, status: 'Expired' | 'Cancelled'): Promise<boolean> {
    const changed = await this.sql.execute(
      `UPDATE reservations SET status = $3, updated_at = now() WHERE id = $1 AND station_id = $2 AND status IN ('Requested', 'Accepted')`,
      [reservationId, stationId, status],
    );
    return changed > 0;
  }
}
