import { StationRepository } from '../provisioning/station.repository';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { closeUnstoppedSessions } from '../transactions/unstopped-sessions';
import { ConnectorRepository } from './connector.repository';
import type { StatusNotificationCommand } from './status-notification.command';

/**
 * Records a connector's status (current + history) and, for 1.6, closes a session the station
 * will never stop: the connector is Available again (nothing plugged in), or Unavailable /
 * Faulted after a reboot that happened since the session started.
 */
export class StatusNotificationUseCase {
  async execute(uow: UnitOfWork, command: StatusNotificationCommand): Promise<void> {
    const connectors = new ConnectorRepository(uow.sql);
    const before = await connectors.lock(command.stationId, command.evseId, command.connectorId);
    const written = await connectors.upsert(command);
    await connectors.append(command);
    const changed =
      written > 0 && (!before || before.status !== command.status || before.ocppStatus !== command.ocppStatus || before.errorCode !== command.errorCode);
    if (changed) {
      uow.emit({
        type: 'station-status-changed',
        scope: 'connector',
        stationId: command.stationId,
        occurredAt: command.receivedAt.toISOString(),
        evseId: command.evseId,
        connectorId: command.connectorId,
        status: command.status,
        ocppStatus: command.ocppStatus,
        errorCode: command.errorCode,
        at: command.at.toISOString(),
      });
    }
    if (command.protocol === 'ocpp1.6' && command.evseId > 0) await this.closeWhatTheStationForgot(uow, command);
  }

  private async closeWhatTheStationForgot(uow: UnitOfWork, command: StatusNotificationCommand): Promise<void> {
    const query = {
      stationId: command.stationId,
      evseId: command.evseId,
      connectorId: command.connectorId,
      endedAt: command.at,
      receivedAt: command.receivedAt,
    };
    if (command.ocppStatus === 'Available') {
      await closeUnstoppedSessions(uow, query);
    } else if (command.ocppStatus === 'Unavailable' || command.ocppStatus === 'Faulted') {
      const lastBootAt = await new StationRepository(uow.sql).lastBootAt(command.stationId);
      await closeUnstoppedSessions(uow, { ...query, startedBefore: lastBootAt });
    }
  }
}
