import type { Logger } from '@evcsms/logging';
import { sessionEventsOf } from '../domain/domain-events';
import type { SessionState } from '../domain/session.model';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { MeterValueRepository, type StoredSample } from './meter-value.repository';
import type { MeterValuesCommand } from './meter-values.command';
import { countEnergy, readingsOf } from './session-energy';
import { SessionRepository } from './session.repository';
import { completedMeterStop } from './transaction-event.rules';

const keyOf = (stationId: string, transactionId: string): string => `${stationId}\u0000${transactionId}`;

/**
 * MeterValues, the hot path. For one message or a run of them (a batch): the sessions named are
 * locked in one statement, all samples go in one INSERT, and every changed session is written in
 * one UPDATE; energy moves forward from the last reading without reading samples back (in order).
 */
export class MeterValuesUseCase {
  constructor(private readonly logger: Logger) {}

  async execute(uow: UnitOfWork, command: MeterValuesCommand): Promise<void> {
    await this.executeMany(uow, [command]);
  }

  async executeMany(uow: UnitOfWork, commands: readonly MeterValuesCommand[]): Promise<void> {
    const sessions = new SessionRepository(uow.sql);
    const named = new Map<string, { stationId: string; ocppTransactionId: string }>();
    for (const command of commands) {
      if (command.transactionId !== null) named.set(keyOf(command.stationId, command.transactionId), { stationId: command.stationId, ocppTransactionId: command.transactionId });
    }
    const locked = new Map<string, SessionState>();
    for (const session of await sessions.lockManyByTransactionId([...named.values()])) locked.set(keyOf(session.stationId, session.ocppTransactionId), session);

    const lastReceived = new Map<string, Date>();
    const rows = commands.flatMap((command) => {
      const session = command.transactionId !== null ? locked.get(keyOf(command.stationId, command.transactionId)) : undefined;
      if (command.transactionId !== null && !session) {
        this.logger.warn('MeterValues for an unknown transaction: samples kept without a session', {
          stationId: command.stationId,
          transactionId: command.transactionId,
        });
      }
      if (session) lastReceived.set(session.id, command.receivedAt);
      return command.samples.map((sample) => ({ stationId: command.stationId, evseId: command.evseId, transactionId: session?.id ?? null, sample }));
    });
    const meterValues = new MeterValueRepository(uow.sql);
    const stored = await meterValues.insertMany(rows);

    const storedBySession = new Map<string, StoredSample[]>();
    for (const sample of stored) {
      if (sample.transactionId !== null) storedBySession.set(sample.transactionId, [...(storedBySession.get(sample.transactionId) ?? []), sample]);
    }
    const changes: Array<readonly [SessionState, SessionState]> = [];
    for (const session of locked.values()) {
      const next = completedMeterStop(await countEnergy(session, readingsOf(storedBySession.get(session.id) ?? []), meterValues));
      changes.push([session, next]);
      uow.emit(...sessionEventsOf(session, next, lastReceived.get(session.id) ?? new Date(0)));
    }
    await sessions.saveAll(changes);
  }
}
