import { createLogger, type Logger } from '@evcsms/logging';

export type RegistrationStatus = 'Accepted' | 'Pending' | 'Rejected';

export interface SessionsOptions {
  /** Heartbeat interval for an Accepted station without its own heartbeat_interval_sec (default 300). */
  readonly heartbeatIntervalSec?: number;
  /** For Pending / Rejected: how long the station waits before its next BootNotification (default 60). */
  readonly bootRetryIntervalSec?: number;
  /**
   * A BootNotification from a station with no row: 'Accepted' (the embedded mode: register it,
   * accept it), 'Pending' (register it, let an operator accept it) or 'Rejected' (default, the
   * production policy; no row is created).
   */
  readonly unknownStationBootPolicy?: RegistrationStatus;
  /** Batch transactions in flight at once (default 2): the writer waits on round trips, not CPU. */
  readonly writeConcurrency?: number;
  readonly logger?: Logger;
}

export interface ResolvedSessionsOptions {
  readonly heartbeatIntervalSec: number;
  readonly bootRetryIntervalSec: number;
  readonly unknownStationBootPolicy: RegistrationStatus;
  readonly writeConcurrency: number;
  readonly logger: Logger;
}

export function resolveOptions(options: SessionsOptions = {}): ResolvedSessionsOptions {
  return {
    heartbeatIntervalSec: options.heartbeatIntervalSec ?? 300,
    bootRetryIntervalSec: options.bootRetryIntervalSec ?? 60,
    unknownStationBootPolicy: options.unknownStationBootPolicy ?? 'Rejected',
    writeConcurrency: options.writeConcurrency ?? 2,
    logger: options.logger ?? createLogger({ fields: { component: 'sessions' } }),
  };
}
