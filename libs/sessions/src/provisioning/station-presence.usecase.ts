import type { StationPresenceEnvelope } from '@evcsms/contracts';
import type { Logger } from '@evcsms/logging';
import { parseOcppTime } from '../domain/invalid-payload.error';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { StationRepository, type StationPresence } from './station.repository';

/**
 * Keeps stations.online / connection_id / gateway_pod / last_seen_at / offline_reason in step
 * with the gateways' presence events, which arrive on their own topic and may be late:
 *
 * - an event older than the last one applied (presence_at) is ignored;
 * - an offline for a connection that is not the station's current one is ignored (the station
 *   has reconnected since; the old socket's close must not mark it offline);
 * - activity only moves last_seen_at forward;
 * - a station with no row is left alone: its BootNotification registers it (boot policy).
 *
 * A batch of events (thousands of stations reconnecting) is applied in memory in order, then
 * written in three statements: lock, the changed stations, last_seen_at.
 */
export class StationPresenceUseCase {
  constructor(private readonly logger: Logger) {}

  async executeMany(uow: UnitOfWork, envelopes: readonly StationPresenceEnvelope[]): Promise<void> {
    const events = envelopes.map((envelope) => ({ envelope, at: parseOcppTime(envelope.at, 'at') }));
    const stations = new StationRepository(uow.sql);
    const connectionEvents = events.filter(({ envelope }) => envelope.type !== 'station-activity');
    const locked = connectionEvents.length > 0 ? await stations.lockPresences([...new Set(connectionEvents.map(({ envelope }) => envelope.stationId))]) : new Map<string, StationPresence>();
    const current = new Map(locked);
    const lastSeen = new Map<string, Date>();
    const seen = (stationId: string, at: Date): void => {
      const previous = lastSeen.get(stationId);
      if (!previous || previous.getTime() < at.getTime()) lastSeen.set(stationId, at);
    };

    for (const { envelope, at } of events) {
      if (envelope.type === 'station-activity') {
        seen(envelope.stationId, at);
        continue;
      }
      const station = current.get(envelope.stationId);
      if (!station) {
        this.logger.debug('presence of a station with no row ignored', { stationId: envelope.stationId, type: envelope.type });
        continue;
      }
      if (station.presenceAt && at.getTime() < station.presenceAt.getTime()) continue;
      if (envelope.type === 'station-offline' && station.connectionId !== envelope.connectionId) continue;
      const online = envelope.type === 'station-online';
      current.set(
        envelope.stationId,
        online
          ? { online: true, connectionId: envelope.connectionId, gatewayPod: envelope.podId, presenceAt: at, offlineReason: null, protocol: envelope.protocol }
          : { ...station, online: false, gatewayPod: null, presenceAt: at, offlineReason: envelope.reason },
      );
      seen(envelope.stationId, at);
      const changed = online ? !station.online || station.connectionId !== envelope.connectionId : station.online;
      if (!changed) continue;
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
    const changed = [...current].filter(([stationId, state]) => state !== locked.get(stationId));
    if (changed.length > 0) await stations.savePresences(changed);
    if (lastSeen.size > 0) await stations.touchMany(lastSeen);
  }
}
