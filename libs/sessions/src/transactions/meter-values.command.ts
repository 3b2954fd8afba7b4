import type { OcppVersion } from '@evcsms/ocpp';
import type { MeterSample } from '../domain/meter-sample';

/** MeterValues, both versions: 1.6 connectorId N / 2.0.1 evseId N. */
export interface MeterValuesCommand {
  readonly stationId: string;
  readonly protocol: OcppVersion;
  readonly evseId: number;
  /** 1.6 transactionId (as text), when the station gave one; 2.0.1 MeterValues never belong to one. */
  readonly transactionId: string | null;
  readonly samples: readonly MeterSample[];
  readonly receivedAt: Date;
}
