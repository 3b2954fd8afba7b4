import { replyModeOf } from '@evcsms/contracts';
import { getValidator, type OcppVersion } from '@evcsms/ocpp';
import { SessionsProcessors, STATION_EVENT_ACTIONS, type SessionsDataSource } from '@evcsms/sessions';
import { REFUSED_STATION_MESSAGES, refuseRefusedTrigger, triggeredAction } from './trigger-message.policy';

/** Every message either version lets a CSMS trigger (TriggerMessage requestedMessage). */
const CANDIDATES = [
  'BootNotification',
  'DiagnosticsStatusNotification',
  'FirmwareStatusNotification',
  'Heartbeat',
  'LogStatusNotification',
  'MeterValues',
  'PublishFirmwareStatusNotification',
  'SignChargingStationCertificate',
  'SignCombinedCertificate',
  'SignV2GCertificate',
  'StatusNotification',
  'TransactionEvent',
];

/**
 * The policy kept honest against the code that answers stations: every trigger the API lets
 * through makes the station send a message the CSMS accepts (processed by the sessions service,
 * answered by the gateway (Heartbeat), acknowledged); every one it refuses, a message the CSMS
 * would refuse (not handled, or answered Rejected / Failed from the station event log).
 */
describe('which TriggerMessage requests the API refuses', () => {
  const processed = new Set(new SessionsProcessors({} as SessionsDataSource).actions);

  const refusing = (version: OcppVersion, action: string): boolean => {
    const canned = STATION_EVENT_ACTIONS[version].get(action);
    if (canned) return canned['status'] === 'Rejected' || canned['status'] === 'Failed';
    return !(action === 'Heartbeat' || processed.has(action) || replyModeOf(version, action, {}) === 'ack');
  };

  it.each<OcppVersion>(['ocpp1.6', 'ocpp2.0.1'])('lets through in %s exactly the triggers whose message the CSMS accepts', (version) => {
    const triggerable = CANDIDATES.filter((message) => getValidator(version).validateRequest('TriggerMessage', { requestedMessage: message }).ok);
    expect(triggerable.length).toBeGreaterThanOrEqual(6);
    for (const message of triggerable) {
      const action = triggeredAction(message);
      expect({ message, refused: REFUSED_STATION_MESSAGES.has(action) }).toEqual({ message, refused: refusing(version, action) });
    }
  });

  it('refuses the certificate triggers with the field and the reason', () => {
    expect(() => refuseRefusedTrigger('SignV2GCertificate')).toThrow('SignV2GCertificate would make the station send SignCertificate, which this CSMS refuses');
    expect(() => refuseRefusedTrigger('MeterValues')).not.toThrow();
  });
});
