import { StationRepository } from '../provisioning/station.repository';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { closeUnstoppedSessions } from '../transactions/unstopped-sessions';
import { ConnectorRepository, connectorKeyOf } from './connector.repository';
import type { StatusNotificationCommand } from './status-notification.command';

/** 1.6 statuses after which a session the station never stopped is over (see closeWhatTheStationForgot). */
const CLOSING_STATUSES = new Set(['Available', 'Unavailable', 'Faulted']);

/**
 * Records a connector's status (current + history) and, for 1.6, closes a session the station
 * will never stop: the connector is Available again (nothing plugged in), or Unavailable /
 * Faulted after a reboot that happened since the session started.
 */
export class StatusNotificationUseCase {
  async execute(uow: UnitOfWork, command: StatusNotificationCommand): Promise<void> {
    await this.executeMany(uow, [command]);
  }

  /**
   * Many connectors' statuses in a few statements whatever their number (after a boot storm every
   * station reports each connector). At most one command per connector.
   */
  async executeMany(uow: UnitOfWork, commands: readonly StatusNotificationCommand[]): Promise<void> {
    const connectors = new ConnectorRepository(uow.sql);
    const before = await connectors.lockMany(commands);
    const written = await connectors.upsertMany(commands);
    await connectors.appendMany(commands);
    for (const command of commands) {
      const key = connectorKeyOf(command);
      const previous = before.get(key);
      const changed =
        written.has(key) &&
        (!previous || previous.status !== command.status || previous.ocppStatus !== command.ocppStatus || previous.errorCode !== command.errorCode);
      if (!changed) continue;
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
    const closing = commands.filter((command) => command.protocol === 'ocpp1.6' && command.evseId > 0 && CLOSING_STATUSES.has(command.ocppStatus));
    if (closing.length === 0) return;
    // Most connectors have no open session: one statement finds the few that need a look.
    const open = await connectors.withActiveSessions(closing);
    for (const command of closing) if (open.has(connectorKeyOf(command))) await this.closeWhatTheStationForgot(uow, command);
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
    } else {
      const lastBootAt = await new StationRepository(uow.sql).lastBootAt(command.stationId);
      await closeUnstoppedSessions(uow, { ...query, startedBefore: lastBootAt });
    }
  }
}
