import type { AuthorizationDecision } from '../domain/authorization';
import { SESSION_FLAGS, withFlag, type SessionState } from '../domain/session.model';
import type { NewSession } from './session.repository';
import type { TransactionEventCommand } from './transaction-event.command';

/** A 2.0.1 session as the first event seen describes it, before that event is applied. */
export function sessionFromFirstEvent(event: TransactionEventCommand): NewSession {
  return {
    stationId: event.stationId,
    // No EVSE yet (0/0) until an event names one.
    evseId: event.evse?.evseId ?? 0,
    connectorId: event.evse?.connectorId ?? 0,
    protocol: 'ocpp2.0.1',
    ocppTransactionId: event.transactionId,
    startKey: null,
    idToken: null,
    idTokenType: null,
    status: 'active',
    startedAt: event.timestamp,
    endedAt: null,
    meterStartWh: null,
    meterStopWh: null,
    energyWh: 0n,
    stopReason: null,
    flags: [],
    lastSeqNo: null,
    reservationId: null,
    remoteStartId: null,
    registerLastWh: null,
    registerLastAt: null,
    authStatus: null,
    triggerReason: null,
    chargingState: null,
  };
}

/**
 * Applies a 2.0.1 TransactionEvent to a session, whatever order events arrive in:
 *
 * - an event newer than the last one applied (seqNo > last_seq_no) moves the state: trigger
 *   reason, charging state, token, Ended -> completed; a completed session is never reopened;
 * - an older or repeated one changes nothing that a newer event set; it only fills what is still
 *   unknown (the token, the EVSE, remoteStartId, reservationId) and moves startedAt back to the
 *   earliest event seen;
 * - offline=true flags the session, from any event.
 *
 * Meter values are counted separately (every event's, old or new).
 */
export function applyTransactionEvent<S extends NewSession>(session: S, event: TransactionEventCommand, authorization: AuthorizationDecision | null): S {
  const fresh = session.lastSeqNo === null || event.seqNo > session.lastSeqNo;
  let next: S = { ...session };
  if (event.timestamp.getTime() < next.startedAt.getTime()) next = { ...next, startedAt: event.timestamp };
  if (event.offline) next = { ...next, flags: withFlag(next.flags, SESSION_FLAGS.offline) };
  if (event.evse && next.evseId === 0) next = { ...next, evseId: event.evse.evseId, connectorId: event.evse.connectorId };
  if (next.remoteStartId === null && event.remoteStartId !== null) next = { ...next, remoteStartId: event.remoteStartId };
  if (next.reservationId === null && event.reservationId !== null) next = { ...next, reservationId: event.reservationId };

  // The session's token: from a newer Started/Updated event, or the first one seen at all. An
  // Ended event's token is the one that stopped the session; it does not replace the authorizing one.
  const takesToken = event.idToken !== null && authorization !== null && (next.idToken === null || (fresh && event.eventType !== 'Ended'));
  if (takesToken && event.idToken && authorization) {
    next = {
      ...next,
      idToken: event.idToken.idToken,
      idTokenType: event.idToken.type,
      authStatus: authorization.status,
      flags: authorization.status === 'Accepted' ? next.flags : withFlag(next.flags, SESSION_FLAGS.unauthorizedStart),
    };
    if (authorization.acceptedAtEdge) next = { ...next, flags: withFlag(next.flags, SESSION_FLAGS.authorizedAtEdge) };
  }
  if (!fresh) return next;

  next = { ...next, lastSeqNo: event.seqNo, triggerReason: event.triggerReason, chargingState: event.chargingState ?? next.chargingState };
  if (event.eventType === 'Ended' && next.status !== 'completed') {
    next = { ...next, status: 'completed', endedAt: event.timestamp, stopReason: event.stoppedReason ?? 'Local' };
  }
  return next;
}

/** 2.0.1 has no meterStop: a completed session's is its last register reading. */
export function completedMeterStop(session: SessionState): SessionState {
  if (session.protocol === 'ocpp1.6' || session.status !== 'completed' || session.meterStopWh === session.registerLastWh) return session;
  return { ...session, meterStopWh: session.registerLastWh };
}
