import { createHash } from 'node:crypto';
import { authorizeToken, withEdgeAcceptance } from '../authorization/authorization.service';
import type { AuthorizationDecision } from '../domain/authorization';
import { sessionEventsOf } from '../domain/domain-events';
import { SESSION_FLAGS, type SessionState } from '../domain/session.model';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { ReservationRepository } from '../reservation/reservation.repository';
import { SessionRepository } from './session.repository';
import type { StartTransactionCommand } from './start-transaction.command';
import { closeUnstoppedSessions } from './unstopped-sessions';

export interface StartTransactionResult {
  readonly transactionId: number;
  readonly authorization: AuthorizationDecision;
}

/** A 1.6 StartTransaction is identified by its content: a resend has the same key. */
export function startKeyOf(command: Pick<StartTransactionCommand, 'connectorId' | 'idTag' | 'timestamp' | 'meterStartWh'>): string {
  return createHash('sha256')
    .update(`${command.connectorId}|${command.idTag}|${command.timestamp.toISOString()}|${command.meterStartWh}`)
    .digest('hex');
}

/**
 * 1.6 StartTransaction: records the session whatever the token's status (the station decides
 * whether to charge; a token that was not Accepted flags the session) and hands out the next
 * transactionId. A resend gets the transactionId and status it was given the first time.
 */
export class StartTransactionUseCase {
  async execute(uow: UnitOfWork, command: StartTransactionCommand): Promise<StartTransactionResult> {
    const sessions = new SessionRepository(uow.sql);
    const startKey = startKeyOf(command);
    const known = await sessions.lockByStartKey(command.stationId, startKey);
    if (known) return this.again(uow, known, command);

    const connector = { stationId: command.stationId, evseId: command.connectorId, connectorId: 1 };
    const authorization = await withEdgeAcceptance(
      uow,
      command.stationId,
      command.idTag,
      command.receivedAt,
      await authorizeToken(uow, { idToken: command.idTag, type: null }, command.receivedAt, { concurrency: { except: connector } }),
    );
    const inserted = await sessions.insert({
      ...connector,
      protocol: 'ocpp1.6',
      ocppTransactionId: null,
      startKey,
      idToken: command.idTag,
      idTokenType: authorization.tokenType,
      status: 'active',
      startedAt: command.timestamp,
      endedAt: null,
      meterStartWh: command.meterStartWh,
      meterStopWh: null,
      energyWh: 0n,
      stopReason: null,
      flags: [
        ...(authorization.status === 'Accepted' ? [] : [SESSION_FLAGS.unauthorizedStart]),
        ...(authorization.acceptedAtEdge ? [SESSION_FLAGS.authorizedAtEdge] : []),
      ],
      lastSeqNo: null,
      reservationId: command.reservationId,
      remoteStartId: null,
      registerLastWh: command.meterStartWh,
      registerLastAt: command.timestamp,
      authStatus: authorization.status,
      triggerReason: null,
      chargingState: null,
    });
    if (!inserted) {
      // The same message, processed concurrently elsewhere, got there first.
      const winner = await sessions.lockByStartKey(command.stationId, startKey);
      if (!winner) throw new Error(`StartTransaction ${startKey} conflicted with a session that is not there`);
      return this.again(uow, winner, command);
    }
    // A session still open on this connector is one the station has given up on. Only the
    // message that inserted does this, so a duplicate processed concurrently never closes the new one.
    await closeUnstoppedSessions(uow, { ...connector, endedAt: command.timestamp, receivedAt: command.receivedAt, exceptId: inserted.id });
    if (command.reservationId !== null) await new ReservationRepository(uow.sql).markUsed(command.stationId, command.reservationId);
    uow.emit(...sessionEventsOf(null, inserted, command.receivedAt));
    return { transactionId: Number(inserted.ocppTransactionId), authorization };
  }

  /** The answer already given: same transactionId, same status (expiry and parent as stored now). */
  private async again(uow: UnitOfWork, session: SessionState, command: StartTransactionCommand): Promise<StartTransactionResult> {
    const current = await authorizeToken(uow, { idToken: command.idTag, type: null }, command.receivedAt);
    return {
      transactionId: Number(session.ocppTransactionId),
      authorization: { ...current, status: session.authStatus ?? current.status },
    };
  }
}
