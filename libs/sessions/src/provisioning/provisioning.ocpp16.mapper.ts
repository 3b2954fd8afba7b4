import type { StationCallEnvelope } from '@evcsms/contracts';
import type { Ocpp16RequestMap, Ocpp16ResponseMap } from '@evcsms/ocpp';
import { bootContext } from './boot-context';
import type { BootNotificationCommand, BootNotificationResult } from './boot-notification.command';

/** OCPP 1.6 <-> the provisioning domain. */
export const ocpp16Provisioning = {
  bootNotification(envelope: StationCallEnvelope): BootNotificationCommand {
    const payload = envelope.payload as unknown as Ocpp16RequestMap['BootNotification'];
    return {
      ...bootContext(envelope),
      reason: null,
      identity: {
        vendor: payload.chargePointVendor,
        model: payload.chargePointModel,
        // chargeBoxSerialNumber is deprecated in 1.6 in favour of chargePointSerialNumber.
        serialNumber: payload.chargePointSerialNumber ?? payload.chargeBoxSerialNumber ?? null,
        firmwareVersion: payload.firmwareVersion ?? null,
        iccid: payload.iccid ?? null,
        imsi: payload.imsi ?? null,
        meterType: payload.meterType ?? null,
        meterSerialNumber: payload.meterSerialNumber ?? null,
      },
    };
  },

  bootNotificationResponse(result: BootNotificationResult): Ocpp16ResponseMap['BootNotification'] {
    return { status: result.status, currentTime: result.currentTime.toISOString(), interval: result.intervalSec };
  },
};
