import type { OcppVersion } from '@evcsms/ocpp';
import type { ConnectorStatus } from '../domain/connector-status';

/** A connector's status, in the 2.0.1 EVSE/connector model (1.6 connectorId N is EVSE N, connector 1). */
export interface StatusNotificationCommand {
  readonly stationId: string;
  readonly protocol: OcppVersion;
  readonly evseId: number;
  readonly connectorId: number;
  readonly status: ConnectorStatus;
  /** As the station sent it (1.6: Preparing, Charging, SuspendedEV...). */
  readonly ocppStatus: string;
  /** 1.6 errorCode; NoError is kept as sent, 2.0.1 has none (null). */
  readonly errorCode: string | null;
  /** 1.6 info / vendorId / vendorErrorCode. */
  readonly detail: Record<string, unknown> | null;
  readonly at: Date;
  readonly receivedAt: Date;
}
