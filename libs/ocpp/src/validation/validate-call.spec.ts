import { parseFrame } from '../rpc/frame.parser';
import { type CallFrame } from '../rpc/frame.types';
import { serializeCallError } from '../rpc/frame.serializer';
import { BOOT_NOTIFICATION_16 } from '../examples/ocpp-example-frames';
import { type OcppVersion } from '../versions/ocpp-version';
import { validateCall } from './validate-call';

function call(text: string, version: OcppVersion): CallFrame {
  const result = parseFrame(text, version);
  if (!result.ok || result.frame.type !== 2) throw new Error('not a CALL');
  return result.frame;
}

describe('validateCall: what a receiver checks on an inbound CALL', () => {
  it('a station booting is accepted by the CSMS', () => {
    expect(validateCall('ocpp1.6', call(BOOT_NOTIFICATION_16, 'ocpp1.6'), { from: 'ChargingStation' })).toMatchObject({ ok: true });
  });

  it('a station that sends a CSMS command gets NotSupported', () => {
    const frame = call('[2,"1","RemoteStartTransaction",{"idTag":"TAG001"}]', 'ocpp1.6');
    const result = validateCall('ocpp1.6', frame, { from: 'ChargingStation' });
    expect(result).toMatchObject({ ok: false, kind: 'NotSupported', description: 'RemoteStartTransaction is sent by the CSMS, not by the charging station' });
    expect(!result.ok && serializeCallError('ocpp1.6', frame.messageId, result.kind, result.description)).toBe(
      '[4,"1","NotSupported","RemoteStartTransaction is sent by the CSMS, not by the charging station",{}]',
    );
  });

  it('a simulated station receiving a BootNotification from its CSMS answers NotSupported', () => {
    const frame = call('[2,"1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"m","vendorName":"v"}}]', 'ocpp2.0.1');
    expect(validateCall('ocpp2.0.1', frame, { from: 'CSMS' })).toMatchObject({ ok: false, kind: 'NotSupported' });
    expect(validateCall('ocpp2.0.1', frame, { from: 'ChargingStation' })).toMatchObject({ ok: true });
  });

  it('DataTransfer may come from either side', () => {
    const frame = call('[2,"1","DataTransfer",{"vendorId":"com.acme"}]', 'ocpp2.0.1');
    expect(validateCall('ocpp2.0.1', frame, { from: 'CSMS' }).ok).toBe(true);
    expect(validateCall('ocpp2.0.1', frame, { from: 'ChargingStation' }).ok).toBe(true);
  });

  it('an action the version does not know is NotImplemented', () => {
    const frame = call('[2,"1","StartTransaction",{}]', 'ocpp2.0.1');
    expect(validateCall('ocpp2.0.1', frame, { from: 'ChargingStation' })).toMatchObject({ ok: false, kind: 'NotImplemented' });
  });

  it('applies the leniency profile it is given', () => {
    const frame = call('[2,"1","Authorize",{"idTag":"AN-RFID-TAG-THAT-IS-TOO-LONG"}]', 'ocpp1.6');
    expect(validateCall('ocpp1.6', frame, { from: 'ChargingStation' })).toMatchObject({ ok: false, kind: 'PropertyConstraintViolation' });
    const leniency = { name: 'long-tags', match: {}, relax: [{ check: 'maxLength' as const }] };
    expect(validateCall('ocpp1.6', frame, { from: 'ChargingStation', leniency })).toMatchObject({
      ok: true,
      relaxed: [{ check: 'maxLength', action: 'Authorize', path: '/idTag', profile: 'long-tags' }],
    });
  });
});
