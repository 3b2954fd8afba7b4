import type { Logger } from '@evcsms/logging';
import { sessionEventsOf } from '../domain/domain-events';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { MeterValueRepository } from './meter-value.repository';
import type { MeterValuesCommand } from './meter-values.command';
import { completedMeterStop } from './transaction-event.rules';
import { countEnergy, readingsOf } from './session-energy';
import { SessionRepository } from './session.repository';

/**
 * MeterValues, the hot path: the session row is locked, all samples go in one statement, and the
 * energy moves forward from the last reading without reading the samples back.
 */
export class MeterValuesUseCase {
  constructor(private readonly logger: Logger) {}

  async execute(uow: UnitOfWork, command: MeterValuesCommand): Promise<void> {
    const sessions = new SessionRepository(uow.sql);
    const session = command.transactionId !== null ? await sessions.lockByTransactionId(command.stationId, command.transactionId) : null;
    if (command.transactionId !== null && !session) {
      this.logger.warn('MeterValues for an unknown transaction: samples kept without a session', {
        stationId: command.stationId,
        transactionId: command.transactionId,
      });
    }
    const meterValues = new MeterValueRepository(uow.sql);
    const stored = await meterValues.insert(command.stationId, command.evseId, session?.id ?? null, command.samples);
    if (!session) return;
    const next = completedMeterStop(await countEnergy(session, readingsOf(stored), meterValues));
    await sessions.save(session, next);
    uow.emit(...sessionEventsOf(session, next, command.receivedAt));
  }
}
