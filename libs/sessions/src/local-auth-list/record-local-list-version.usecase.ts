import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { LocalAuthListRepository } from './local-auth-list.repository';
import type { RecordLocalListVersionCommand } from './record-local-list-version.command';

/**
 * The local authorization list is CSMS-initiated (SendLocalList, GetLocalListVersion): no station
 * CALL belongs to it. What this domain keeps is the version each station confirmed, for the
 * command side to decide between a differential and a full update.
 */
export class RecordLocalListVersionUseCase {
  async execute(uow: UnitOfWork, command: RecordLocalListVersionCommand): Promise<boolean> {
    return new LocalAuthListRepository(uow.sql).record(command.stationId, command.version);
  }
}
