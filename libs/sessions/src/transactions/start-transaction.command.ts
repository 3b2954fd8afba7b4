/** 1.6 StartTransaction. */
export interface StartTransactionCommand {
  readonly stationId: string;
  readonly connectorId: number;
  readonly idTag: string;
  readonly meterStartWh: bigint;
  readonly timestamp: Date;
  readonly reservationId: number | null;
  readonly receivedAt: Date;
}
