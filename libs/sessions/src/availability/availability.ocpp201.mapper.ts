import type { StationCallEnvelope } from '@evcsms/contracts';
import type { Ocpp201RequestMap } from '@evcsms/ocpp';
import { parseOcppTime } from '../domain/invalid-payload.error';
import type { StatusNotificationCommand } from './status-notification.command';

/** OCPP 2.0.1 <-> the availability domain. */
export const ocpp201Availability = {
  statusNotification(envelope: StationCallEnvelope): StatusNotificationCommand {
    const payload = envelope.payload as unknown as Ocpp201RequestMap['StatusNotification'];
    return {
      stationId: envelope.stationId,
      protocol: envelope.protocol,
      evseId: payload.evseId,
      connectorId: payload.connectorId,
      status: payload.connectorStatus,
      ocppStatus: payload.connectorStatus,
      errorCode: null,
      detail: null,
      at: parseOcppTime(payload.timestamp, 'timestamp'),
      receivedAt: parseOcppTime(envelope.receivedAt, 'receivedAt'),
    };
  },
};
