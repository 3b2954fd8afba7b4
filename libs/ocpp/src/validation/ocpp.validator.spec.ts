import { parseFrame } from '../rpc/frame.parser';
import { type CallFrame } from '../rpc/frame.types';
import { BOOT_NOTIFICATION_16, METER_VALUES_16, TRANSACTION_EVENT_201 } from '../examples/ocpp-example-frames';
import { schemaCatalogue } from '../testing/schema-catalogue';
import { buildInstance } from '../testing/schema-instance.factory';
import { type OcppVersion } from '../versions/ocpp-version';
import { getValidator, OcppValidator } from './ocpp.validator';

function callOf(text: string, version: OcppVersion): CallFrame {
  const result = parseFrame(text, version);
  if (!result.ok || result.frame.type !== 2) throw new Error(`fixture is not a CALL: ${text}`);
  return result.frame;
}

function validate(version: OcppVersion, action: string, direction: 'request' | 'response', payload: unknown) {
  const validator = getValidator(version);
  return direction === 'request' ? validator.validateRequest(action, payload) : validator.validateResponse(action, payload);
}

describe('a valid instance of every request and response of both versions validates', () => {
  const catalogue = schemaCatalogue();

  it('covers 206 schemas: 78 for 1.6, 128 for 2.0.1', () => {
    expect(catalogue.filter((entry) => entry.version === 'ocpp1.6')).toHaveLength(78);
    expect(catalogue.filter((entry) => entry.version === 'ocpp2.0.1')).toHaveLength(128);
  });

  it.each(catalogue.map((entry) => [entry.title, entry] as const))('%s', (_title, { version, action, direction, schema }) => {
    for (const mode of ['minimal', 'complete'] as const) {
      const payload = buildInstance(schema, mode);
      const result = validate(version, action, direction, payload);
      expect({ mode, result }).toEqual({ mode, result: { ok: true, payload, relaxed: [] } });
    }
  });
});

describe('realistic frames', () => {
  it('a 1.6 BootNotification with every optional field passes', () => {
    const frame = callOf(BOOT_NOTIFICATION_16, 'ocpp1.6');
    expect(getValidator('ocpp1.6').validateRequest(frame.action, frame.payload)).toMatchObject({ ok: true, relaxed: [] });
  });

  it('a 1.6 MeterValues with ten sampled values passes, and the strict path hands back the same object', () => {
    const frame = callOf(METER_VALUES_16, 'ocpp1.6');
    const result = getValidator('ocpp1.6').validateRequest(frame.action, frame.payload);
    expect(result.ok && result.payload).toBe(frame.payload);
  });

  it('a 2.0.1 TransactionEvent(Updated) with meter values passes', () => {
    const frame = callOf(TRANSACTION_EVENT_201, 'ocpp2.0.1');
    expect(getValidator('ocpp2.0.1').validateRequest(frame.action, frame.payload)).toMatchObject({ ok: true });
  });

  it('the same 2.0.1 TransactionEvent is not a 1.6 message', () => {
    const frame = callOf(TRANSACTION_EVENT_201, 'ocpp2.0.1');
    expect(getValidator('ocpp1.6').validateRequest(frame.action, frame.payload)).toMatchObject({ ok: false, kind: 'NotImplemented' });
  });

  it('a 1.6 MeterValues whose tenth sample names an unknown measurand reports exactly that field', () => {
    const frame = callOf(METER_VALUES_16.replace('"SoC"', '"StateOfCharge"'), 'ocpp1.6');
    const result = getValidator('ocpp1.6').validateRequest(frame.action, frame.payload);
    expect(result).toMatchObject({
      ok: false,
      kind: 'PropertyConstraintViolation',
      details: { errors: [{ path: '/meterValue/0/sampledValue/9/measurand', rule: 'enum' }] },
    });
    expect(!result.ok && result.description).toMatch(/^MeterValues request: \/meterValue\/0\/sampledValue\/9\/measurand must be one of/);
  });
});

describe('validation details that bite in the field', () => {
  const v16 = () => getValidator('ocpp1.6');
  const profile = (limit: number) => ({
    connectorId: 1,
    csChargingProfiles: {
      chargingProfileId: 1,
      stackLevel: 0,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
    },
  });

  it('a 1.6 charging limit of 0.7 A or 32.3 A is a multiple of 0.1 despite floating point', () => {
    for (const limit of [0.7, 32.3, 16.1, 6]) expect(v16().validateRequest('SetChargingProfile', profile(limit)).ok).toBe(true);
    expect(v16().validateRequest('SetChargingProfile', profile(7.15))).toMatchObject({ ok: false, kind: 'PropertyConstraintViolation' });
  });

  it('maxLength counts characters, so a 20-character idTag of emoji fits and 21 do not', () => {
    expect(v16().validateRequest('Authorize', { idTag: '🔌'.repeat(20) }).ok).toBe(true);
    expect(v16().validateRequest('Authorize', { idTag: '🔌'.repeat(21) })).toMatchObject({
      ok: false,
      kind: 'PropertyConstraintViolation',
      details: { errors: [{ path: '/idTag', rule: 'maxLength', message: 'must be at most 20 characters' }] },
    });
    expect(v16().validateRequest('Authorize', { idTag: 'x'.repeat(21) })).toMatchObject({ ok: false });
    expect(v16().validateRequest('Authorize', { idTag: 'x'.repeat(20) }).ok).toBe(true);
  });

  it('a number that overflowed to Infinity in JSON ("1e999") is not a number', () => {
    const frame = callOf('[2,"1","MeterValues",{"connectorId":1e999,"meterValue":[]}]', 'ocpp1.6');
    expect(v16().validateRequest(frame.action, frame.payload)).toMatchObject({
      ok: false,
      kind: 'TypeConstraintViolation',
      details: { errors: [{ path: '/connectorId', rule: 'type' }] },
    });
  });

  it.each([
    ['2025-03-14T09:26:53Z', true],
    ['2025-03-14T09:26:53.123456+05:30', true],
    ['2024-02-29T00:00:00-01:00', true],
    ['2025-03-14T09:26:53', false],
    ['2025-02-29T00:00:00Z', false],
    ['2025-13-01T00:00:00Z', false],
    ['14.03.2025 09:26', false],
    ['', false],
  ])('Heartbeat currentTime %s is valid: %s', (currentTime, valid) => {
    const result = v16().validateResponse('Heartbeat', { currentTime });
    expect(result.ok).toBe(valid);
    if (!result.ok) expect(result).toMatchObject({ kind: 'TypeConstraintViolation', details: { errors: [{ path: '/currentTime', rule: 'format' }] } });
  });

  it('a "__proto__" field in a 1.6 payload is an unknown field, reported by name', () => {
    const frame = callOf('[2,"1","Authorize",{"idTag":"TAG001","__proto__":{"admin":true}}]', 'ocpp1.6');
    expect(v16().validateRequest(frame.action, frame.payload)).toMatchObject({
      ok: false,
      kind: 'FormatViolation',
      details: { errors: [{ path: '/__proto__', rule: 'additionalProperties' }] },
    });
  });

  it('2.0.1 customData is open for vendor extensions, including odd keys', () => {
    const frame = callOf('[2,"1","Heartbeat",{"customData":{"vendorId":"acme","__proto__":1,"x":{"y":[1]}}}]', 'ocpp2.0.1');
    expect(getValidator('ocpp2.0.1').validateRequest(frame.action, frame.payload)).toMatchObject({ ok: true });
  });

  it('an unknown or inherited action name is NotImplemented, never a crash', () => {
    for (const action of ['Foo', 'constructor', '__proto__', 'toString', 'heartbeat', 'x'.repeat(10_000)]) {
      const result = v16().validateRequest(action, {});
      expect(result).toMatchObject({ ok: false, kind: 'NotImplemented' });
      expect(!result.ok && result.description.length).toBeLessThan(120);
      expect(v16().hasAction(action)).toBe(false);
    }
  });

  it('a payload that is not an object is a FormatViolation', () => {
    for (const payload of [null, [], 'x', 1, undefined]) {
      expect(v16().validateRequest('Heartbeat', payload)).toMatchObject({
        ok: false,
        kind: 'FormatViolation',
        details: { errors: [{ path: '', rule: 'type' }] },
      });
    }
  });

  it('reports every violation in details but keeps the description short', () => {
    const payload = { meterValue: Array.from({ length: 30 }, () => ({ timestamp: 'yesterday', sampledValue: [{ value: 1 }] })) };
    const result = v16().validateRequest('MeterValues', payload);
    expect(result).toMatchObject({ ok: false, kind: 'OccurrenceConstraintViolation' });
    if (result.ok) return;
    expect(result.details.errors).toHaveLength(10);
    expect(result.details.omitted).toBe(51);
    expect(result.description).toMatch(/^MeterValues request: \/connectorId is required \(required\); .* and 58 more$/);
  });

  it('a validator can be built for one version and shares nothing with the shared instance', () => {
    const own = new OcppValidator('ocpp2.0.1');
    expect(own).not.toBe(getValidator('ocpp2.0.1'));
    expect(own.validateResponse('Heartbeat', { currentTime: '2025-03-14T09:26:53Z' }).ok).toBe(true);
    expect(() => new OcppValidator('ocpp2.1' as OcppVersion)).toThrow(RangeError);
  });
});
