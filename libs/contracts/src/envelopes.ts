import type { OcppVersion, RpcErrorKind } from '@evcsms/ocpp';

export const ENVELOPE_VERSION = 1;

/** Until multi-tenancy lands every station belongs to one tenant. */
export const DEFAULT_TENANT = 'default';

/**
 * How the gateway answers a station CALL:
 * - 'reply': the answer needs a decision (BootNotification, Authorize, StartTransaction...); the
 *   owning service makes it durable, decides and replies through the pod's channel;
 * - 'ack': the answer is fixed by the spec (MeterValues, StatusNotification...); the gateway
 *   answers once the bus has durably accepted the envelope, and services process it after.
 */
export type ReplyMode = 'reply' | 'ack';

export interface StationCallEnvelope {
  readonly v: typeof ENVELOPE_VERSION;
  readonly type: 'station-call';
  readonly stationId: string;
  readonly tenantId: string;
  readonly protocol: OcppVersion;
  readonly action: string;
  readonly messageId: string;
  readonly podId: string;
  readonly connectionId: string;
  /** ISO-8601, when the gateway received the frame. */
  readonly receivedAt: string;
  readonly replyMode: ReplyMode;
  /**
   * ISO-8601, for calls whose station waits for a decision: after this the gateway has already
   * answered InternalError and the station will send again, so a service may skip the call.
   */
  readonly answerBy?: string;
  readonly payload: Record<string, unknown>;
  /**
   * An Authorize the gateway answered itself because the owning service could not answer in
   * time (see docs/gateway.md, "Authorize during outages"). Sent with replyMode 'ack' once the
   * bus takes it, so the service records what the station was told.
   */
  readonly edgeDecision?: EdgeAuthorization;
}

/** What the gateway answered an Authorize with, from its token cache or its unknown-token policy. */
export interface EdgeAuthorization {
  readonly status: string;
  /** cached: a status the service gave for this token before; policy: AUTH_CACHE_UNKNOWN_POLICY. */
  readonly source: 'cached' | 'policy';
  /** Why the service did not answer: it was too slow, or the bus refused the message. */
  readonly reason: 'timeout' | 'unavailable';
  /** ISO-8601, when the gateway answered. */
  readonly decidedAt: string;
  /** ISO-8601, when the cached status was learned (source 'cached'). */
  readonly learnedAt?: string;
}

export type StationPresenceEnvelope =
  | (PresenceBase & { readonly type: 'station-online'; readonly remoteAddress: string; readonly securityProfile: number })
  | (PresenceBase & { readonly type: 'station-offline'; readonly reason: string; readonly closeCode: number })
  | (PresenceBase & { readonly type: 'station-activity'; readonly action: string });

interface PresenceBase {
  readonly v: typeof ENVELOPE_VERSION;
  readonly stationId: string;
  readonly tenantId: string;
  readonly podId: string;
  readonly connectionId: string;
  readonly protocol: OcppVersion;
  /** ISO-8601. Consumers order presence by (at, connectionId): an offline for an older connection never overrides a newer online. */
  readonly at: string;
}

/** Messages on a pod's channel. */
export type PodMessage =
  | {
      readonly type: 'call-reply';
      readonly connectionId: string;
      readonly messageId: string;
      readonly outcome:
        | { readonly result: Record<string, unknown> }
        | { readonly error: { readonly kind: RpcErrorKind; readonly description: string; readonly details?: Record<string, unknown> } };
    }
  | {
      readonly type: 'command';
      readonly commandId: string;
      readonly stationId: string;
      readonly action: string;
      readonly payload: Record<string, unknown>;
      readonly timeoutMs: number;
      /** The pod waiting for the result. */
      readonly replyTo: string;
    }
  | { readonly type: 'command-result'; readonly commandId: string; readonly result: CommandResult }
  | { readonly type: 'evict'; readonly stationId: string; readonly connectionId: string }
  /** A station's credentials changed: drop them from the credential cache; `close`: end its connection (deleted). */
  | { readonly type: 'credentials-changed'; readonly stationId: string; readonly close: boolean }
  /** A command was queued for a station that has just come online here: deliver it now. */
  | { readonly type: 'deliver-pending'; readonly stationId: string };

/** What a CSMS-initiated call to a station ended with: its result, its CALLERROR, or why neither came. */
export type StationCallResult =
  | { readonly status: 'result'; readonly payload: Record<string, unknown> }
  | { readonly status: 'error'; readonly errorCode: string; readonly errorDescription: string; readonly errorDetails: Record<string, unknown> }
  | { readonly status: 'failed'; readonly failure: CommandFailure; readonly message: string };

/** What a command to a station ended with, as the requester sees it: also "queued for later". */
export type CommandResult = StationCallResult | { readonly status: 'queued'; readonly commandId: string; readonly expiresAt: string };

export type CommandFailure =
  | 'offline'
  | 'timeout'
  | 'queue-full'
  | 'invalid-request'
  | 'invalid-response'
  | 'not-supported'
  /** The connection closed before the CALL was written to it: not delivered, safe to retry. */
  | 'connection-closed'
  /** The station received the CALL and its connection closed before it answered: it may have acted on it. */
  | 'delivered-no-answer';
