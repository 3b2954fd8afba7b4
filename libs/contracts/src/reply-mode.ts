import type { OcppVersion } from '@evcsms/ocpp';
import type { ReplyMode } from './envelopes';

/**
 * Station CALLs whose response carries nothing but an empty object: once the bus holds the
 * envelope, the answer cannot depend on anything a service would decide.
 */
const ACK_ONLY: Record<OcppVersion, ReadonlySet<string>> = {
  'ocpp1.6': new Set([
    'MeterValues',
    'StatusNotification',
    'DiagnosticsStatusNotification',
    'FirmwareStatusNotification',
    'SecurityEventNotification',
    'SignedFirmwareStatusNotification',
    'LogStatusNotification',
  ]),
  'ocpp2.0.1': new Set([
    'MeterValues',
    'StatusNotification',
    'NotifyEvent',
    'NotifyReport',
    'NotifyMonitoringReport',
    'FirmwareStatusNotification',
    'LogStatusNotification',
    'SecurityEventNotification',
    'NotifyChargingLimit',
    'ClearedChargingLimit',
    'NotifyCustomerInformation',
    'NotifyDisplayMessages',
    'PublishFirmwareStatusNotification',
    'ReservationStatusUpdate',
    'ReportChargingProfiles',
  ]),
};

export function replyModeOf(protocol: OcppVersion, action: string, payload: Record<string, unknown>): ReplyMode {
  if (ACK_ONLY[protocol].has(action)) return 'ack';
  // A 2.0.1 TransactionEvent needs a decision only when it carries an idToken to authorize.
  if (protocol === 'ocpp2.0.1' && action === 'TransactionEvent' && payload['idToken'] === undefined) return 'ack';
  return 'reply';
}

/** The response to an 'ack' call: every one of them is an empty object in both versions. */
export function ackResponse(): Record<string, unknown> {
  return {};
}
