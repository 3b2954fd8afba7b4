import type { MeterSample } from '../domain/meter-sample';

/** 1.6 StopTransaction. */
export interface StopTransactionCommand {
  readonly stationId: string;
  readonly transactionId: number;
  readonly idTag: string | null;
  readonly meterStopWh: bigint;
  readonly timestamp: Date;
  /** null: the station sent none (Local is recorded). */
  readonly reason: string | null;
  /** transactionData. */
  readonly samples: readonly MeterSample[];
  readonly receivedAt: Date;
}
