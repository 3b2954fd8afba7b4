import type { OcppVersion, RpcErrorKind } from '@evcsms/ocpp';

/** A CALL a station sent, after framing and schema validation. */
export interface InboundCall {
  readonly stationId: string;
  readonly connectionId: string;
  readonly protocol: OcppVersion;
  readonly action: string;
  readonly messageId: string;
  readonly payload: Record<string, unknown>;
  readonly receivedAt: Date;
}

export type InboundCallOutcome =
  | { readonly result: Record<string, unknown> }
  | { readonly error: { readonly kind: RpcErrorKind; readonly description: string; readonly details?: Record<string, unknown> } };

/**
 * Where station-initiated CALLs go: the bus in distributed mode, a direct dispatcher in embedded
 * mode. The gateway answers the station only with what this returns.
 */
export interface StationCallHandler {
  handle(call: InboundCall): Promise<InboundCallOutcome>;
}

export type OfflineReason =
  | 'closed-by-station'
  | 'timeout'
  | 'replaced'
  | 'evicted'
  | 'drained'
  | 'protocol-error'
  | 'backpressure'
  | 'rate-limited'
  | 'shutdown';

export interface StationOnline {
  readonly stationId: string;
  readonly connectionId: string;
  readonly protocol: OcppVersion;
  readonly remoteAddress: string;
  readonly securityProfile: SecurityProfile;
  readonly connectedAt: Date;
}

export interface StationOffline {
  readonly stationId: string;
  readonly connectionId: string;
  readonly protocol: OcppVersion;
  readonly reason: OfflineReason;
  readonly closeCode: number;
  readonly disconnectedAt: Date;
}

export interface StationActivity {
  readonly stationId: string;
  readonly connectionId: string;
  readonly action: string;
  readonly at: Date;
}

/** Presence and liveness; must not throw or block: implementations queue their own I/O. */
export interface StationEventsListener {
  online(event: StationOnline): void;
  offline(event: StationOffline): void;
  /** Heartbeats are answered at the edge; this still tells the platform the station is alive. */
  activity(event: StationActivity): void;
}

export type SecurityProfile = 0 | 1 | 2 | 3;

export interface StationCredential {
  readonly stationId: string;
  readonly securityProfile: SecurityProfile;
  /** scrypt hash (see password-hash.ts) for profiles 1 and 2. */
  readonly passwordHash?: string;
  /** A rotated password: accepted beside the current one until the station has used it. */
  readonly pendingPasswordHash?: string;
  /** An upgrade: accepted beside the current profile until the station has connected with it. */
  readonly pendingSecurityProfile?: SecurityProfile;
  /** A deleted station may not connect, whatever the unknown-station policy. */
  readonly deleted?: true;
  /** Vendor/model, to pick a leniency profile before the first BootNotification is seen. */
  readonly vendor?: string;
  readonly model?: string;
}

/** Read side of station credentials (PostgreSQL in the platform, a map in tests). */
export interface StationCredentialStore {
  find(stationId: string): Promise<StationCredential | undefined>;
  /** The station connected with its pending password and/or profile: make them current. */
  confirm?(stationId: string, confirmed: CredentialConfirmation): Promise<void>;
}

export interface CredentialConfirmation {
  /** The pending hash the station's password matched. */
  readonly passwordHash?: string;
  readonly securityProfile?: SecurityProfile;
}

export const NO_EVENTS: StationEventsListener = { online: () => undefined, offline: () => undefined, activity: () => undefined };
