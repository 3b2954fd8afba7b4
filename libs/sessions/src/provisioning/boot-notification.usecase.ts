import type { UnitOfWork } from '../infrastructure/unit-of-work';
import type { RegistrationStatus, ResolvedSessionsOptions } from '../sessions.options';
import type { BootNotificationCommand, BootNotificationResult } from './boot-notification.command';
import { StationRepository } from './station.repository';

/**
 * Registers what the station says about itself and answers with its boot policy. The answer
 * depends only on stored policy and the message (currentTime is when the message arrived), so a
 * redelivery gets the same answer and writes nothing.
 */
export class BootNotificationUseCase {
  constructor(private readonly options: ResolvedSessionsOptions) {}

  async execute(uow: UnitOfWork, command: BootNotificationCommand): Promise<BootNotificationResult> {
    const stations = new StationRepository(uow.sql);
    let station = await stations.lockBootPolicy(command.stationId);
    if (!station) {
      const policy = this.options.unknownStationBootPolicy;
      if (policy === 'Rejected') {
        this.options.logger.warn('BootNotification from an unknown station rejected', { stationId: command.stationId, vendor: command.identity.vendor });
        return this.answer('Rejected', null, command);
      }
      this.options.logger.warn('unknown station registered at boot', { stationId: command.stationId, bootPolicy: policy });
      await stations.register(command, policy);
      station = await stations.lockBootPolicy(command.stationId);
      if (!station) throw new Error(`station ${command.stationId} vanished while registering`);
    }
    const status = station.bootPolicy;
    await stations.recordBoot(command, status);
    return this.answer(status, station.heartbeatIntervalSec, command);
  }

  private answer(status: RegistrationStatus, heartbeatIntervalSec: number | null, command: BootNotificationCommand): BootNotificationResult {
    const intervalSec = status === 'Accepted' ? (heartbeatIntervalSec ?? this.options.heartbeatIntervalSec) : this.options.bootRetryIntervalSec;
    return { status, intervalSec, currentTime: command.receivedAt };
  }
}
