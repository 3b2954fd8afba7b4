export interface ReservationStatusUpdateCommand {
  readonly stationId: string;
  readonly reservationId: number;
  /** 2.0.1 Expired -> Expired, Removed -> Cancelled. */
  readonly status: 'Expired' | 'Cancelled';
}
