import { authorizeToken, withEdgeAcceptance } from '../authorization/authorization.service';
import type { AuthorizationDecision } from '../domain/authorization';
import { sessionEventsOf } from '../domain/domain-events';
import type { SessionState } from '../domain/session.model';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { ReservationRepository } from '../reservation/reservation.repository';
import { MeterValueRepository } from './meter-value.repository';
import { countEnergy, readingsOf } from './session-energy';
import { SessionRepository } from './session.repository';
import type { TransactionEventCommand } from './transaction-event.command';
import { applyTransactionEvent, completedMeterStop, sessionFromFirstEvent } from './transaction-event.rules';

export interface TransactionEventResult {
  /** Present when the event carried an idToken. */
  readonly authorization: AuthorizationDecision | null;
}

/**
 * 2.0.1 TransactionEvent Started / Updated / Ended: one session per (station, transactionId),
 * created by whichever event arrives first, moved only by newer events (seqNo), with every
 * event's meter values counted.
 */
export class TransactionEventUseCase {
  async execute(uow: UnitOfWork, command: TransactionEventCommand): Promise<TransactionEventResult> {
    const authorization = command.idToken
      ? await withEdgeAcceptance(uow, command.stationId, command.idToken.idToken, command.receivedAt, await authorizeToken(uow, command.idToken, command.receivedAt))
      : null;
    const sessions = new SessionRepository(uow.sql);
    let before: SessionState | null = await sessions.lockByTransactionId(command.stationId, command.transactionId);
    let current: SessionState;
    if (before) {
      current = applyTransactionEvent(before, command, authorization);
    } else {
      const inserted = await sessions.insert(applyTransactionEvent(sessionFromFirstEvent(command), command, authorization));
      if (inserted) {
        current = inserted;
      } else {
        // Created concurrently by the same event processed elsewhere: apply to what is there.
        before = await sessions.lockByTransactionId(command.stationId, command.transactionId);
        if (!before) throw new Error(`TransactionEvent ${command.transactionId} conflicted with a session that is not there`);
        current = applyTransactionEvent(before, command, authorization);
      }
    }
    const meterValues = new MeterValueRepository(uow.sql);
    const stored = await meterValues.insert(command.stationId, current.evseId, current.id, command.samples);
    const counted = completedMeterStop(await countEnergy(current, readingsOf(stored), meterValues));
    const saved = before ?? current;
    await sessions.save(saved, counted);
    if (counted.reservationId !== null && counted.reservationId !== before?.reservationId) {
      await new ReservationRepository(uow.sql).markUsed(command.stationId, counted.reservationId);
    }
    uow.emit(...sessionEventsOf(before, counted, command.receivedAt));
    return { authorization };
  }
}
