import type { IdTokenRef } from '../domain/authorization';
import type { MeterSample } from '../domain/meter-sample';

export type TransactionEventType = 'Started' | 'Updated' | 'Ended';

/** 2.0.1 TransactionEvent. */
export interface TransactionEventCommand {
  readonly stationId: string;
  readonly eventType: TransactionEventType;
  readonly timestamp: Date;
  readonly triggerReason: string;
  readonly seqNo: number;
  readonly offline: boolean;
  readonly transactionId: string;
  readonly evse: { readonly evseId: number; readonly connectorId: number } | null;
  readonly idToken: IdTokenRef | null;
  readonly stoppedReason: string | null;
  readonly chargingState: string | null;
  readonly remoteStartId: number | null;
  readonly reservationId: number | null;
  readonly samples: readonly MeterSample[];
  readonly receivedAt: Date;
}
