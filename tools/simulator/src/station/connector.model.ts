import type { EvBattery } from '../charging/power-curve';

/** Connector states in 1.6 terms; 2.0.1 maps them onto Available/Occupied/Reserved/Unavailable/Faulted. */
export type ConnectorStatus = 'Available' | 'Preparing' | 'Charging' | 'SuspendedEVSE' | 'SuspendedEV' | 'Finishing' | 'Reserved' | 'Unavailable' | 'Faulted';

/** Why a session ended, in one vocabulary; each version spells it its own way. */
export type StopReason =
  | 'EVDisconnected'
  | 'Local'
  | 'Remote'
  | 'DeAuthorized'
  | 'SoftReset'
  | 'HardReset'
  | 'ImmediateReset'
  | 'UnlockCommand'
  | 'PowerLoss'
  | 'Reboot'
  | 'Other';

/** What started or moved a session (2.0.1 triggerReason; 1.6 does not say). */
export type SessionTrigger = 'Authorized' | 'CablePluggedIn' | 'RemoteStart';

export interface Session {
  /** The station's own id: the 2.0.1 transactionId, the key in the ground truth for both. */
  readonly localId: string;
  /** 1.6: the transactionId the CSMS assigned (undefined until StartTransaction is answered). */
  transactionId: number | undefined;
  readonly connectorId: number;
  readonly idTag: string;
  /** 2.0.1 idToken type (ISO14443 for an RFID card, Central for a remote start). */
  readonly idTokenType: string;
  readonly startedAt: number;
  readonly meterStartWh: number;
  readonly remoteStartId: number | undefined;
  readonly reservationId: number | undefined;
  stoppedAt: number | undefined;
  meterStopWh: number | undefined;
  stopReason: StopReason | undefined;
  /** 2.0.1: the next TransactionEvent's seqNo. */
  seqNo: number;
  /** Any of its messages was produced while the station was offline. */
  offline: boolean;
  /** 2.0.1 chargingState last reported. */
  chargingState: 'Charging' | 'EVConnected' | 'SuspendedEV' | 'SuspendedEVSE' | 'Idle';
  /** The CSMS refused the token after the fact (1.6 StartTransaction idTagInfo). */
  deauthorized: boolean;
}

export interface Reservation {
  readonly id: number;
  readonly idTag: string;
  readonly expiresAt: number;
}

/** A start the CSMS asked for that waits for the EV to be plugged in. */
export interface PendingStart {
  readonly idTag: string;
  readonly idTokenType: string;
  readonly remoteStartId: number | undefined;
  readonly trigger: SessionTrigger;
}

export interface Connector {
  readonly id: number;
  readonly maxPowerW: number;
  status: ConnectorStatus;
  /** ChangeAvailability: Operative unless the CSMS said otherwise. */
  operative: boolean;
  /** Inoperative was asked for during a session: applies when it ends. */
  inoperativeWhenIdle: boolean;
  ev: EvBattery | undefined;
  /** The meter register, milliwatt-hours; only ever grows. */
  registerMwh: number;
  /** Simulated time up to which energy has been counted. */
  settledAt: number;
  powerW: number;
  session: Session | undefined;
  pendingStart: PendingStart | undefined;
  reservation: Reservation | undefined;
}

export function registerWh(connector: Connector): number {
  return Math.floor(connector.registerMwh / 1000);
}

export function newConnector(id: number, maxPowerW: number, registerMwh: number, now: number): Connector {
  return {
    id,
    maxPowerW,
    status: 'Available',
    operative: true,
    inoperativeWhenIdle: false,
    ev: undefined,
    registerMwh,
    settledAt: now,
    powerW: 0,
    session: undefined,
    pendingStart: undefined,
    reservation: undefined,
  };
}

/** The status a connector should show now, from what is plugged in and going on. */
export function derivedStatus(connector: Connector): ConnectorStatus {
  if (connector.session) {
    if (connector.session.chargingState === 'SuspendedEV') return 'SuspendedEV';
    if (connector.session.chargingState === 'SuspendedEVSE') return 'SuspendedEVSE';
    return 'Charging';
  }
  if (connector.ev) return connector.status === 'Finishing' ? 'Finishing' : 'Preparing';
  if (!connector.operative) return 'Unavailable';
  if (connector.reservation) return 'Reserved';
  if (connector.pendingStart) return 'Preparing';
  return 'Available';
}
