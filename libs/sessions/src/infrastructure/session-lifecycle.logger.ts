import type { Logger } from '@evcsms/logging';
import type { DomainEvent } from '../domain/domain-events';
import type { CommittedListener } from './unit-of-work';

/**
 * One log line per session started and per session ended, written once the transaction that
 * made the change has committed (a rolled-back batch logs nothing; its retry logs once). The
 * token is left out: it identifies a driver.
 */
export function sessionLifecycleLogger(logger: Logger): CommittedListener {
  return (events: readonly DomainEvent[]) => {
    for (const event of events) {
      if (event.type !== 'session-started' && event.type !== 'session-ended') continue;
      const { session } = event;
      const fields = {
        stationId: session.stationId,
        sessionId: session.sessionId,
        transactionId: session.transactionId,
        evseId: session.evseId,
        connectorId: session.connectorId,
        protocol: session.protocol,
      };
      if (event.type === 'session-started') logger.info('session started', { ...fields, startedAt: session.startedAt });
      else logger.info('session ended', { ...fields, endedAt: session.endedAt, energyWh: session.energyWh, stopReason: session.stopReason, correction: event.correction, flags: session.flags });
    }
  };
}
