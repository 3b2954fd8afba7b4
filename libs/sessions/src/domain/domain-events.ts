import { randomUUID } from 'node:crypto';
import { SESSIONS_TOPICS, type SessionsTopic } from '../sessions.topics';
import type { ConnectorStatus } from './connector-status';
import type { SessionState } from './session.model';

/** A session as events describe it (energy as an integer number of Wh, times ISO-8601). */
export interface SessionSnapshot {
  readonly sessionId: string;
  readonly stationId: string;
  readonly evseId: number;
  readonly connectorId: number;
  readonly protocol: string;
  readonly transactionId: string;
  readonly idToken: string | null;
  readonly idTokenType: string | null;
  readonly status: SessionState['status'];
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly energyWh: number;
  /**
   * When the latest energy register reading counted into energyWh was taken (the station's
   * clock; null before the first reading). With energyWh it is a (time, energy) point of the
   * session's timeline: billing prices the session from these points.
   */
  readonly meterReadAt: string | null;
  readonly meterStartWh: number | null;
  readonly meterStopWh: number | null;
  readonly stopReason: string | null;
  readonly flags: readonly string[];
}

interface EventBase {
  /** Unique per event: consumers deduplicate on it (the relay may publish twice after a crash). */
  readonly eventId: string;
  readonly stationId: string;
  /** When the station message that caused the change reached the platform. */
  readonly occurredAt: string;
}

export type SessionEvent =
  | (EventBase & { readonly type: 'session-started'; readonly session: SessionSnapshot })
  | (EventBase & { readonly type: 'session-updated'; readonly session: SessionSnapshot })
  /**
   * correction: the session had ended already and its final data changed (a late 1.6
   * StopTransaction, a late 2.0.1 event): the newer one replaces the older, it is not another session.
   */
  | (EventBase & { readonly type: 'session-ended'; readonly session: SessionSnapshot; readonly correction: boolean });

export type StationStatusChangedEvent =
  | (EventBase & {
      readonly type: 'station-status-changed';
      readonly scope: 'connector';
      readonly evseId: number;
      readonly connectorId: number;
      readonly status: ConnectorStatus;
      readonly ocppStatus: string;
      readonly errorCode: string | null;
      readonly at: string;
    })
  | (EventBase & {
      readonly type: 'station-status-changed';
      readonly scope: 'connection';
      readonly online: boolean;
      readonly connectionId: string;
      readonly reason: string | null;
      readonly at: string;
    });

export type DomainEvent = SessionEvent | StationStatusChangedEvent;

/** Distributes Omit over a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewDomainEvent = DistributiveOmit<DomainEvent, 'eventId'>;

export function withEventId(event: NewDomainEvent): DomainEvent {
  return { eventId: randomUUID(), ...event };
}

export function topicOf(event: Pick<DomainEvent, 'type'>): SessionsTopic {
  return event.type === 'station-status-changed' ? SESSIONS_TOPICS.stationEvents : SESSIONS_TOPICS.sessionEvents;
}

function whNumber(value: bigint | null): number | null {
  if (value === null) return null;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`energy out of the exactly representable range: ${value}`);
  }
  return Number(value);
}

export function snapshotOf(session: SessionState): SessionSnapshot {
  return {
    sessionId: session.id,
    stationId: session.stationId,
    evseId: session.evseId,
    connectorId: session.connectorId,
    protocol: session.protocol,
    transactionId: session.ocppTransactionId,
    idToken: session.idToken,
    idTokenType: session.idTokenType,
    status: session.status,
    startedAt: session.startedAt.toISOString(),
    endedAt: session.endedAt?.toISOString() ?? null,
    energyWh: whNumber(session.energyWh) ?? 0,
    meterReadAt: session.registerLastAt?.toISOString() ?? null,
    meterStartWh: whNumber(session.meterStartWh),
    meterStopWh: whNumber(session.meterStopWh),
    stopReason: session.stopReason,
    flags: [...session.flags],
  };
}

/**
 * What a change to a session means to the rest of the platform. Derived from the states before
 * and after, so a redelivered message (no change) emits nothing.
 */
export function sessionEventsOf(before: SessionState | null, after: SessionState, occurredAt: Date): NewDomainEvent[] {
  const base = { stationId: after.stationId, occurredAt: occurredAt.toISOString() };
  const events: NewDomainEvent[] = [];
  if (!before) events.push({ ...base, type: 'session-started', session: snapshotOf(after) });
  if (after.status === 'completed') {
    const endedNow = !before || before.status === 'active';
    if (endedNow || finalDataChanged(before, after)) {
      events.push({ ...base, type: 'session-ended', session: snapshotOf(after), correction: !endedNow });
    }
  } else if (before && before.energyWh !== after.energyWh) {
    events.push({ ...base, type: 'session-updated', session: snapshotOf(after) });
  }
  return events;
}

function finalDataChanged(before: SessionState, after: SessionState): boolean {
  return (
    before.energyWh !== after.energyWh ||
    before.endedAt?.getTime() !== after.endedAt?.getTime() ||
    before.startedAt.getTime() !== after.startedAt.getTime() ||
    before.meterStopWh !== after.meterStopWh ||
    before.stopReason !== after.stopReason ||
    before.idToken !== after.idToken ||
    before.flags.join() !== after.flags.join()
  );
}
