import type { OcppVersion } from '@evcsms/ocpp';
import type { IdTokenRef } from '../domain/authorization';

export interface AuthorizeCommand {
  readonly stationId: string;
  readonly protocol: OcppVersion;
  readonly token: IdTokenRef;
  readonly receivedAt: Date;
}
