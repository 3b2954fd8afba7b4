import type { Logger } from '@evcsms/logging';
import { authorizeToken } from '../authorization/authorization.service';
import type { AuthorizationDecision } from '../domain/authorization';
import { sessionEventsOf } from '../domain/domain-events';
import { READING_RANK } from '../domain/energy';
import { SESSION_FLAGS, withFlag, withoutFlag, type SessionState } from '../domain/session.model';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { MeterValueRepository } from './meter-value.repository';
import { countEnergy, readingsOf } from './session-energy';
import { SessionRepository } from './session.repository';
import type { StopTransactionCommand } from './stop-transaction.command';

export interface StopTransactionResult {
  /** Present when the station sent an idTag. */
  readonly authorization: AuthorizationDecision | null;
}

/**
 * 1.6 StopTransaction: completes the session with the station's meterStop. If the session was
 * closed already because the connector went back to Available (the stop was queued offline),
 * the real data replaces the estimate, once. A resend changes nothing. A stop for a transaction
 * the CSMS does not know is logged and answered as a success, so the station empties its queue.
 */
export class StopTransactionUseCase {
  constructor(private readonly logger: Logger) {}

  async execute(uow: UnitOfWork, command: StopTransactionCommand): Promise<StopTransactionResult> {
    const authorization = command.idTag !== null ? await authorizeToken(uow, { idToken: command.idTag, type: null }, command.receivedAt) : null;
    const sessions = new SessionRepository(uow.sql);
    const session = await sessions.lockByTransactionId(command.stationId, String(command.transactionId));
    if (!session) {
      this.logger.warn('StopTransaction for an unknown transaction: orphan, acknowledged', {
        stationId: command.stationId,
        transactionId: command.transactionId,
        meterStopWh: command.meterStopWh.toString(),
        timestamp: command.timestamp.toISOString(),
        samples: command.samples.length,
      });
      return { authorization };
    }
    const meterValues = new MeterValueRepository(uow.sql);
    const stored = await meterValues.insert(command.stationId, session.evseId, session.id, command.samples);
    const fresh = readingsOf(stored);
    let next: SessionState;
    if (session.status === 'completed' && session.meterStopWh !== null) {
      // Stopped already: a resend (nothing new) or samples that came too late to matter much.
      next = await countEnergy(session, fresh, meterValues);
    } else {
      const late = session.status === 'completed';
      const stopped: SessionState = {
        ...session,
        status: 'completed',
        endedAt: command.timestamp,
        meterStopWh: command.meterStopWh,
        stopReason: command.reason ?? 'Local',
        flags: late ? withFlag(withoutFlag(session.flags, SESSION_FLAGS.closedWithoutStop), SESSION_FLAGS.stopArrivedLate) : session.flags,
      };
      next = await countEnergy(stopped, [...fresh, { at: command.timestamp.getTime(), rank: READING_RANK.meterStop, wh: command.meterStopWh }], meterValues);
    }
    await sessions.save(session, next);
    uow.emit(...sessionEventsOf(session, next, command.receivedAt));
    return { authorization };
  }
}
