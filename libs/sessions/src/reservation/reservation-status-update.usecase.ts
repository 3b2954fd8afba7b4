import type { Logger } from '@evcsms/logging';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { ReservationRepository } from './reservation.repository';
import type { ReservationStatusUpdateCommand } from './reservation-status-update.command';

/** 2.0.1 ReservationStatusUpdate: the station ended a reservation (expired, or removed). */
export class ReservationStatusUpdateUseCase {
  constructor(private readonly logger: Logger) {}

  async execute(uow: UnitOfWork, command: ReservationStatusUpdateCommand): Promise<void> {
    const changed = await new ReservationRepository(uow.sql).end(command.stationId, command.reservationId, command.status);
    if (!changed) this.logger.debug('reservation status update changed nothing', { ...command });
  }
}
