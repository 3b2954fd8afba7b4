import type { UnitOfWork } from '../infrastructure/unit-of-work';
import type { RegistrationStatus, ResolvedSessionsOptions } from '../sessions.options';
import type { BootNotificationCommand, BootNotificationResult } from './boot-notification.command';
import { StationRepository, type StationBootPolicy } from './station.repository';

/**
 * Registers what the station says about itself and answers with its boot policy. The answer
 * depends only on stored policy and the message (currentTime is when the message arrived), so a
 * redelivery gets the same answer and writes nothing.
 */
export class BootNotificationUseCase {
  constructor(private readonly options: ResolvedSessionsOptions) {}

  async execute(uow: UnitOfWork, command: BootNotificationCommand): Promise<BootNotificationResult> {
    const [result] = await this.executeMany(uow, [command]);
    return result!;
  }

  /**
   * Many stations' boots in a few statements whatever their number (a boot storm): lock, register
   * the unknown ones, record them all. At most one command per station.
   */
  async executeMany(uow: UnitOfWork, commands: readonly BootNotificationCommand[]): Promise<BootNotificationResult[]> {
    const stations = new StationRepository(uow.sql);
    const policies = await stations.lockBootPolicies(commands.map((command) => command.stationId));
    const unknown = commands.filter((command) => !policies.has(command.stationId));
    if (unknown.length > 0) await this.registerUnknown(stations, unknown, policies);

    const boots: Array<{ command: BootNotificationCommand; status: RegistrationStatus }> = [];
    const results = commands.map((command) => {
      const station = policies.get(command.stationId);
      if (!station) return this.answer('Rejected', null, command);
      boots.push({ command, status: station.bootPolicy });
      return this.answer(station.bootPolicy, station.heartbeatIntervalSec, command);
    });
    if (boots.length > 0) await stations.recordBoots(boots);
    return results;
  }

  /** Applies the unknown-station policy; the stations it registers are added to `policies`. */
  private async registerUnknown(stations: StationRepository, unknown: readonly BootNotificationCommand[], policies: Map<string, StationBootPolicy>): Promise<void> {
    const policy = this.options.unknownStationBootPolicy;
    for (const command of unknown) {
      if (policy === 'Rejected') this.options.logger.warn('BootNotification from an unknown station rejected', { stationId: command.stationId, vendor: command.identity.vendor });
      else this.options.logger.warn('unknown station registered at boot', { stationId: command.stationId, bootPolicy: policy });
    }
    if (policy === 'Rejected') return;
    await stations.registerMany(unknown, policy);
    const registered = await stations.lockBootPolicies(unknown.map((command) => command.stationId));
    for (const command of unknown) {
      const station = registered.get(command.stationId);
      if (!station) throw new Error(`station ${command.stationId} vanished while registering`);
      policies.set(command.stationId, station);
    }
  }

  private answer(status: RegistrationStatus, heartbeatIntervalSec: number | null, command: BootNotificationCommand): BootNotificationResult {
    const intervalSec = status === 'Accepted' ? (heartbeatIntervalSec ?? this.options.heartbeatIntervalSec) : this.options.bootRetryIntervalSec;
    return { status, intervalSec, currentTime: command.receivedAt };
  }
}
