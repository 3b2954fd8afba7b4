import type { OcppVersion } from '@evcsms/ocpp';
import type { RegistrationStatus } from '../sessions.options';

/**
 * What a station says about itself at boot. A field that is undefined is not part of the
 * station's protocol (2.0.1 has no meter type) and is left as stored; null means "not sent".
 */
export interface StationIdentity {
  readonly vendor: string;
  readonly model: string;
  readonly serialNumber: string | null;
  readonly firmwareVersion: string | null;
  readonly iccid: string | null;
  readonly imsi: string | null;
  readonly meterType?: string | null;
  readonly meterSerialNumber?: string | null;
}

export interface BootNotificationCommand {
  readonly stationId: string;
  readonly protocol: OcppVersion;
  readonly identity: StationIdentity;
  /** 2.0.1 BootReasonEnumType; null for 1.6. */
  readonly reason: string | null;
  readonly connectionId: string;
  readonly podId: string;
  /** When the gateway received the message: the answer's currentTime and last_boot_at. */
  readonly receivedAt: Date;
}

export interface BootNotificationResult {
  readonly status: RegistrationStatus;
  readonly intervalSec: number;
  readonly currentTime: Date;
}
