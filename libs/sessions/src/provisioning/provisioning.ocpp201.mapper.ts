import type { StationCallEnvelope } from '@evcsms/contracts';
import type { Ocpp201RequestMap, Ocpp201ResponseMap } from '@evcsms/ocpp';
import { bootContext } from './boot-context';
import type { BootNotificationCommand, BootNotificationResult } from './boot-notification.command';

/** OCPP 2.0.1 <-> the provisioning domain. */
export const ocpp201Provisioning = {
  bootNotification(envelope: StationCallEnvelope): BootNotificationCommand {
    const payload = envelope.payload as unknown as Ocpp201RequestMap['BootNotification'];
    const station = payload.chargingStation;
    return {
      ...bootContext(envelope),
      reason: payload.reason,
      identity: {
        vendor: station.vendorName,
        model: station.model,
        serialNumber: station.serialNumber ?? null,
        firmwareVersion: station.firmwareVersion ?? null,
        iccid: station.modem?.iccid ?? null,
        imsi: station.modem?.imsi ?? null,
      },
    };
  },

  bootNotificationResponse(result: BootNotificationResult): Ocpp201ResponseMap['BootNotification'] {
    return { status: result.status, currentTime: result.currentTime.toISOString(), interval: result.intervalSec };
  },
};
