import type { OcppVersion } from '@evcsms/ocpp';
import type { AuthorizationStatus } from './authorization';

export type SessionStatus = 'active' | 'completed';

/** Anomalies worth an operator's look, kept on the session (a set: added once, kept). */
export const SESSION_FLAGS = {
  /** 1.6: the connector went back to Available (or Unavailable/Faulted after a reboot) with no StopTransaction. */
  closedWithoutStop: 'closed-without-stop',
  /** ...and the StopTransaction came afterwards (offline replay): its data completed the session. */
  stopArrivedLate: 'stop-arrived-late',
  /** The token was not Accepted when the session started; the station decided to charge anyway. */
  unauthorizedStart: 'unauthorized-start',
  /** The energy register went down within the session; counting went on from the new value. */
  meterReset: 'meter-reset',
  /** 2.0.1: at least one event happened while the station was offline. */
  offline: 'offline',
  /** The token was Accepted by the gateway while the sessions service could not answer (edge_authorizations). */
  authorizedAtEdge: 'authorized-at-edge',
} as const;

export type SessionFlag = (typeof SESSION_FLAGS)[keyof typeof SESSION_FLAGS];

/** A charging session, whatever the protocol: one row of `transactions`. */
export interface SessionState {
  readonly id: string;
  readonly stationId: string;
  readonly evseId: number;
  readonly connectorId: number;
  readonly protocol: OcppVersion;
  readonly ocppTransactionId: string;
  readonly startKey: string | null;
  readonly idToken: string | null;
  readonly idTokenType: string | null;
  readonly status: SessionStatus;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly meterStartWh: bigint | null;
  readonly meterStopWh: bigint | null;
  readonly energyWh: bigint;
  readonly stopReason: string | null;
  readonly flags: readonly string[];
  readonly lastSeqNo: number | null;
  readonly reservationId: number | null;
  readonly remoteStartId: number | null;
  readonly registerLastWh: bigint | null;
  readonly registerLastAt: Date | null;
  readonly authStatus: AuthorizationStatus | null;
  readonly triggerReason: string | null;
  readonly chargingState: string | null;
}

export function withFlag(flags: readonly string[], flag: SessionFlag): readonly string[] {
  return flags.includes(flag) ? flags : [...flags, flag];
}

export function withoutFlag(flags: readonly string[], flag: SessionFlag): readonly string[] {
  return flags.includes(flag) ? flags.filter((f) => f !== flag) : flags;
}

/** The fields an UPDATE writes; equal states need no write (redelivery changes nothing). */
export function sameSession(a: SessionState, b: SessionState): boolean {
  return (
    a.evseId === b.evseId &&
    a.connectorId === b.connectorId &&
    a.idToken === b.idToken &&
    a.idTokenType === b.idTokenType &&
    a.status === b.status &&
    a.startedAt.getTime() === b.startedAt.getTime() &&
    sameTime(a.endedAt, b.endedAt) &&
    a.meterStartWh === b.meterStartWh &&
    a.meterStopWh === b.meterStopWh &&
    a.energyWh === b.energyWh &&
    a.stopReason === b.stopReason &&
    a.flags.length === b.flags.length &&
    a.flags.every((flag, i) => b.flags[i] === flag) &&
    a.lastSeqNo === b.lastSeqNo &&
    a.reservationId === b.reservationId &&
    a.remoteStartId === b.remoteStartId &&
    a.registerLastWh === b.registerLastWh &&
    sameTime(a.registerLastAt, b.registerLastAt) &&
    a.authStatus === b.authStatus &&
    a.triggerReason === b.triggerReason &&
    a.chargingState === b.chargingState
  );
}

function sameTime(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}
