import type { StationPresenceEnvelope } from '@evcsms/contracts';
import type { Logger } from '@evcsms/logging';
import { parseOcppTime } from '../domain/invalid-payload.error';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { StationRepository } from './station.repository';

/**
 * Keeps stations.online / connection_id / gateway_pod / last_seen_at / offline_reason in step
 * with the gateways' presence events, which arrive on their own topic and may be late:
 *
 * - an event older than the last one applied (presence_at) is ignored;
 * - an offline for a connection that is not the station's current one is ignored (the station
 *   has reconnected since; the old socket's close must not mark it offline);
 * - activity only moves last_seen_at forward;
 * - a station with no row is left alone: its BootNotification registers it (boot policy).
 */
export class StationPresenceUseCase {
  constructor(private readonly logger: Logger) {}

  async execute(uow: UnitOfWork, envelope: StationPresenceEnvelope): Promise<void> {
    const at = parseOcppTime(envelope.at, 'at');
    const stations = new StationRepository(uow.sql);
    if (envelope.type === 'station-activity') {
      await stations.touch(envelope.stationId, at);
      return;
    }
    const current = await stations.lockPresence(envelope.stationId);
    if (!current) {
      this.logger.debug('presence of a station with no row ignored', { stationId: envelope.stationId, type: envelope.type });
      return;
    }
    if (current.presenceAt && at.getTime() < current.presenceAt.getTime()) return;
    if (envelope.type === 'station-offline' && current.connectionId !== envelope.connectionId) return;
    await stations.applyPresence(envelope, at);
    const online = envelope.type === 'station-online';
    const changed = online ? !current.online || current.connectionId !== envelope.connectionId : current.online;
    if (!changed) return;
    uow.emit({
      type: 'station-status-changed',
      scope: 'connection',
      stationId: envelope.stationId,
      occurredAt: at.toISOString(),
      online,
      connectionId: envelope.connectionId,
      reason: envelope.type === 'station-offline' ? envelope.reason : null,
      at: at.toISOString(),
    });
  }
}
