import type { StationCallEnvelope } from '@evcsms/contracts';
import type { Ocpp16RequestMap } from '@evcsms/ocpp';
import { connectorStatusOf16 } from '../domain/connector-status';
import { parseOcppTime } from '../domain/invalid-payload.error';
import type { StatusNotificationCommand } from './status-notification.command';

/** OCPP 1.6 <-> the availability domain. */
export const ocpp16Availability = {
  statusNotification(envelope: StationCallEnvelope): StatusNotificationCommand {
    const payload = envelope.payload as unknown as Ocpp16RequestMap['StatusNotification'];
    const receivedAt = parseOcppTime(envelope.receivedAt, 'receivedAt');
    const detail: Record<string, unknown> = {};
    if (payload.info !== undefined) detail['info'] = payload.info;
    if (payload.vendorId !== undefined) detail['vendorId'] = payload.vendorId;
    if (payload.vendorErrorCode !== undefined) detail['vendorErrorCode'] = payload.vendorErrorCode;
    return {
      stationId: envelope.stationId,
      protocol: envelope.protocol,
      // connectorId 0 is the station itself: EVSE 0, connector 0.
      evseId: payload.connectorId,
      connectorId: payload.connectorId === 0 ? 0 : 1,
      status: connectorStatusOf16(payload.status),
      ocppStatus: payload.status,
      errorCode: payload.errorCode,
      detail: Object.keys(detail).length > 0 ? detail : null,
      // timestamp is optional in 1.6: then the time the message arrived.
      at: payload.timestamp !== undefined ? parseOcppTime(payload.timestamp, 'timestamp') : receivedAt,
      receivedAt,
    };
  },
};
