import type { StationCallEnvelope } from '@evcsms/contracts';
import { parseOcppTime } from '../domain/invalid-payload.error';
import type { BootNotificationCommand } from './boot-notification.command';

/** The envelope's part of a boot command, the same in both versions. */
export function bootContext(envelope: StationCallEnvelope): Pick<BootNotificationCommand, 'stationId' | 'protocol' | 'connectionId' | 'podId' | 'receivedAt'> {
  return {
    stationId: envelope.stationId,
    protocol: envelope.protocol,
    connectionId: envelope.connectionId,
    podId: envelope.podId,
    receivedAt: parseOcppTime(envelope.receivedAt, 'receivedAt'),
  };
}
