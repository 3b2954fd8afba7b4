import { parseFrame } from '../rpc/frame.parser';
import { METER_VALUES_16 } from '../examples/ocpp-example-frames';
import { getValidator } from '../validation/ocpp.validator';
import { findLeniencyProfile, type LeniencyProfile, pathMatches } from './leniency-profile';

const v16 = getValidator('ocpp1.6');
const v201 = getValidator('ocpp2.0.1');

function profile(relax: LeniencyProfile['relax'], name = 'acme-wallbox'): LeniencyProfile {
  return { name, match: { vendor: 'Acme', model: 'Wallbox*' }, relax };
}

const BOOT = { chargePointVendor: 'Acme', chargePointModel: 'Wallbox Pro' };

describe('findLeniencyProfile', () => {
  const profiles: LeniencyProfile[] = [
    { name: 'acme-wallbox-2', match: { vendor: 'Acme', model: 'Wallbox 2.?' }, relax: [] },
    { name: 'acme-any', match: { vendor: 'ACME' }, relax: [] },
    { name: 'old-firmware', match: { model: 'Legacy*' }, relax: [] },
  ];

  it('matches vendor case-insensitively and model by glob, first match wins', () => {
    expect(findLeniencyProfile(profiles, 'Acme', 'Wallbox 2.1')?.name).toBe('acme-wallbox-2');
    expect(findLeniencyProfile(profiles, 'acme', 'Wallbox 2.10')?.name).toBe('acme-any');
    expect(findLeniencyProfile(profiles, 'Acme', undefined)?.name).toBe('acme-any');
    expect(findLeniencyProfile(profiles, 'Other', 'Legacy 7')?.name).toBe('old-firmware');
  });

  it('matches nothing for a station the profiles do not name', () => {
    expect(findLeniencyProfile(profiles, 'Other', 'Wallbox 2.1')).toBeUndefined();
    expect(findLeniencyProfile(profiles, undefined, undefined)).toBeUndefined();
    expect(findLeniencyProfile([], 'Acme', 'Wallbox 2.1')).toBeUndefined();
  });

  it('treats regex characters in patterns literally', () => {
    const dotted = [{ name: 'dotted', match: { model: 'A.B+(1)' }, relax: [] }];
    expect(findLeniencyProfile(dotted, undefined, 'A.B+(1)')?.name).toBe('dotted');
    expect(findLeniencyProfile(dotted, undefined, 'AxB+(1)')).toBeUndefined();
  });

  it('path patterns take "*" for one segment', () => {
    expect(pathMatches('/meterValue/*/sampledValue/*/value', '/meterValue/0/sampledValue/12/value')).toBe(true);
    expect(pathMatches('/meterValue/*/sampledValue/*/value', '/meterValue/0/sampledValue/12/unit')).toBe(false);
    expect(pathMatches('/idTag', '/idTagInfo')).toBe(false);
  });
});

describe('each relaxation is accepted only under a matching profile, and reported', () => {
  it('the profile of the station that booted decides: an Acme Wallbox is relaxed, another vendor is not', () => {
    const profiles = [profile([{ check: 'maxLength' }])];
    const longTag = { idTag: 'AN-RFID-TAG-THAT-IS-TOO-LONG' };
    const acme = findLeniencyProfile(profiles, 'Acme', 'Wallbox Pro');
    const other = findLeniencyProfile(profiles, 'Other', 'Wallbox Pro');
    expect(v16.validateRequest('Authorize', longTag, acme)).toMatchObject({ ok: true, relaxed: [{ check: 'maxLength', path: '/idTag' }] });
    expect(other).toBeUndefined();
    expect(v16.validateRequest('Authorize', longTag, other)).toMatchObject({ ok: false, kind: 'PropertyConstraintViolation' });
  });

  it('maxLength: a model name longer than 1.6 allows is kept as sent', () => {
    const payload = { ...BOOT, chargePointModel: 'Wallbox Pro 22kW Three Phase' };
    expect(v16.validateRequest('BootNotification', payload)).toMatchObject({ ok: false, kind: 'PropertyConstraintViolation' });
    expect(v16.validateRequest('BootNotification', payload, profile([{ check: 'maxLength', paths: ['/chargePointModel'] }]))).toEqual({
      ok: true,
      payload,
      relaxed: [{ check: 'maxLength', action: 'BootNotification', path: '/chargePointModel', profile: 'acme-wallbox' }],
    });
  });

  it('enum: a 1.6 station still reporting the 1.5 status "Occupied"', () => {
    const payload = { connectorId: 1, errorCode: 'NoError', status: 'Occupied' };
    expect(v16.validateRequest('StatusNotification', payload)).toMatchObject({ ok: false, kind: 'PropertyConstraintViolation' });
    expect(v16.validateRequest('StatusNotification', payload, profile([{ check: 'enum', actions: ['StatusNotification'] }]))).toEqual({
      ok: true,
      payload,
      relaxed: [{ check: 'enum', action: 'StatusNotification', path: '/status', profile: 'acme-wallbox' }],
    });
  });

  it('numberAsString: sampled values sent as JSON numbers become the strings 1.6 defines', () => {
    const result = parseFrame(METER_VALUES_16.replace('"value":"15234"', '"value":15234').replace('"value":"15.9"', '"value":15.9'), 'ocpp1.6');
    if (!result.ok || result.frame.type !== 2) throw new Error('fixture');
    const original = JSON.stringify(result.frame.payload);
    expect(v16.validateRequest('MeterValues', result.frame.payload)).toMatchObject({ ok: false, kind: 'TypeConstraintViolation' });

    const relaxed = v16.validateRequest(
      'MeterValues',
      result.frame.payload,
      profile([{ check: 'numberAsString', paths: ['/meterValue/*/sampledValue/*/value'] }]),
    );
    expect(relaxed).toMatchObject({
      ok: true,
      relaxed: [
        { check: 'numberAsString', action: 'MeterValues', path: '/meterValue/0/sampledValue/0/value', profile: 'acme-wallbox' },
        { check: 'numberAsString', action: 'MeterValues', path: '/meterValue/0/sampledValue/2/value', profile: 'acme-wallbox' },
      ],
    });
    const sampled = (relaxed.ok ? relaxed.payload : undefined) as { meterValue: { sampledValue: { value: unknown }[] }[] };
    expect(sampled.meterValue[0]!.sampledValue.map((sample) => sample.value).slice(0, 3)).toEqual(['15234', '10980', '15.9']);
    expect(JSON.stringify(result.frame.payload)).toBe(original);
  });

  it('stringAsNumber: a 2.0.1 station quoting its meter readings', () => {
    const payload = {
      evseId: 1,
      meterValue: [{ timestamp: '2025-03-14T09:26:53Z', sampledValue: [{ value: '15234.5' }, { value: 230 }] }],
    };
    expect(v201.validateRequest('MeterValues', payload)).toMatchObject({ ok: false, kind: 'TypeConstraintViolation' });
    const result = v201.validateRequest('MeterValues', payload, profile([{ check: 'stringAsNumber' }]));
    expect(result).toEqual({
      ok: true,
      payload: { evseId: 1, meterValue: [{ timestamp: '2025-03-14T09:26:53Z', sampledValue: [{ value: 15234.5 }, { value: 230 }] }] },
      relaxed: [{ check: 'stringAsNumber', action: 'MeterValues', path: '/meterValue/0/sampledValue/0/value', profile: 'acme-wallbox' }],
    });
  });

  it('stringAsNumber never turns words or fractions into integers', () => {
    const relax = profile([{ check: 'stringAsNumber' }]);
    const start = { connectorId: 1, idTag: 'TAG001', timestamp: '2025-03-14T09:26:53Z' };
    expect(v16.validateRequest('StartTransaction', { ...start, meterStart: '1234' }, relax)).toMatchObject({ ok: true, payload: { meterStart: 1234 } });
    expect(v16.validateRequest('StartTransaction', { ...start, meterStart: 'lots' }, relax)).toMatchObject({ ok: false, kind: 'TypeConstraintViolation' });
    expect(v16.validateRequest('StartTransaction', { ...start, meterStart: '12.5' }, relax)).toMatchObject({ ok: false, kind: 'TypeConstraintViolation' });
    expect(v16.validateRequest('StartTransaction', { ...start, meterStart: '' }, relax)).toMatchObject({ ok: false });
  });

  it('additionalProperties: unknown fields are dropped so the payload has its schema shape', () => {
    const payload = { ...BOOT, firmwareBuildDate: '2024-11-02', hardwareRevision: 'B' };
    const result = v16.validateRequest('BootNotification', payload, profile([{ check: 'additionalProperties' }]));
    expect(result).toEqual({
      ok: true,
      payload: BOOT,
      relaxed: [
        { check: 'additionalProperties', action: 'BootNotification', path: '/firmwareBuildDate', profile: 'acme-wallbox' },
        { check: 'additionalProperties', action: 'BootNotification', path: '/hardwareRevision', profile: 'acme-wallbox' },
      ],
    });
    expect(payload).toHaveProperty('firmwareBuildDate');
  });

  it('additionalProperties: a "__proto__" field is dropped without touching any prototype', () => {
    const parsed = parseFrame('[2,"1","Authorize",{"idTag":"TAG001","__proto__":{"admin":true}}]', 'ocpp1.6');
    if (!parsed.ok || parsed.frame.type !== 2) throw new Error('fixture');
    const result = v16.validateRequest('Authorize', parsed.frame.payload, profile([{ check: 'additionalProperties' }]));
    expect(result).toMatchObject({ ok: true, relaxed: [{ path: '/__proto__' }] });
    const accepted = (result.ok ? result.payload : {}) as Record<string, unknown>;
    expect(Object.keys(accepted)).toEqual(['idTag']);
    expect(Object.getPrototypeOf(accepted)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('dateTimeWithoutZone: a zone-less timestamp is read as the UTC the spec requires', () => {
    const payload = { connectorId: 1, idTag: 'TAG001', meterStart: 0, timestamp: '2025-03-14T09:26:53' };
    expect(v16.validateRequest('StartTransaction', payload)).toMatchObject({
      ok: false,
      kind: 'TypeConstraintViolation',
      details: { errors: [{ path: '/timestamp', rule: 'format' }] },
    });
    expect(v16.validateRequest('StartTransaction', payload, profile([{ check: 'dateTimeWithoutZone' }]))).toEqual({
      ok: true,
      payload: { ...payload, timestamp: '2025-03-14T09:26:53Z' },
      relaxed: [{ check: 'dateTimeWithoutZone', action: 'StartTransaction', path: '/timestamp', profile: 'acme-wallbox' }],
    });
  });

  it('dateTimeWithoutZone does not excuse timestamps that are wrong in other ways', () => {
    const payload = { connectorId: 1, idTag: 'TAG001', meterStart: 0, timestamp: '14.03.2025 09:26' };
    expect(v16.validateRequest('StartTransaction', payload, profile([{ check: 'dateTimeWithoutZone' }]))).toMatchObject({
      ok: false,
      kind: 'TypeConstraintViolation',
    });
  });
});

describe('relaxations stay narrow', () => {
  it('an un-relaxed violation in the same payload still fails, and only it is reported', () => {
    const payload = { meterValue: [{ timestamp: '2025-03-14T09:26:53Z', sampledValue: [{ value: 15234 }] }] };
    const result = v16.validateRequest('MeterValues', payload, profile([{ check: 'numberAsString' }]));
    expect(result).toEqual({
      ok: false,
      kind: 'OccurrenceConstraintViolation',
      description: 'MeterValues request: /connectorId is required (required)',
      details: { errors: [{ path: '/connectorId', rule: 'required', message: 'is required' }] },
    });
  });

  it('a rule limited to some actions does not apply to others', () => {
    const relax = profile([{ check: 'maxLength', actions: ['BootNotification'] }]);
    expect(v16.validateRequest('Authorize', { idTag: 'AN-RFID-TAG-THAT-IS-TOO-LONG' }, relax)).toMatchObject({
      ok: false,
      kind: 'PropertyConstraintViolation',
    });
  });

  it('a rule limited to some paths does not apply to other fields', () => {
    const relax = profile([{ check: 'maxLength', paths: ['/chargePointModel'] }]);
    const payload = { ...BOOT, chargePointVendor: 'Acme Charging Solutions International' };
    expect(v16.validateRequest('BootNotification', payload, relax)).toMatchObject({
      ok: false,
      details: { errors: [{ path: '/chargePointVendor', rule: 'maxLength' }] },
    });
  });

  it('a profile that relaxes another check changes nothing', () => {
    expect(v16.validateRequest('Authorize', { idTag: 42 }, profile([{ check: 'enum' }, { check: 'maxLength' }]))).toMatchObject({
      ok: false,
      kind: 'TypeConstraintViolation',
    });
  });

  it('a coerced value is validated again: a numeric idTag that becomes too long needs maxLength relaxed too', () => {
    const payload = { idTag: 1.2345678901234568e21 };
    expect(v16.validateRequest('Authorize', payload, profile([{ check: 'numberAsString' }]))).toMatchObject({
      ok: false,
      kind: 'PropertyConstraintViolation',
      details: { errors: [{ path: '/idTag', rule: 'maxLength' }] },
    });
    expect(v16.validateRequest('Authorize', payload, profile([{ check: 'numberAsString' }, { check: 'maxLength' }]))).toEqual({
      ok: true,
      payload: { idTag: '1.2345678901234568e+21' },
      relaxed: [
        { check: 'numberAsString', action: 'Authorize', path: '/idTag', profile: 'acme-wallbox' },
        { check: 'maxLength', action: 'Authorize', path: '/idTag', profile: 'acme-wallbox' },
      ],
    });
  });

  it('numberAsString does not excuse a status sent as a number: "3" is still not a status', () => {
    const payload = { connectorId: 1, errorCode: 'NoError', status: 3 };
    expect(v16.validateRequest('StatusNotification', payload, profile([{ check: 'numberAsString' }]))).toMatchObject({
      ok: false,
      kind: 'PropertyConstraintViolation',
      details: { errors: [{ path: '/status', rule: 'enum' }] },
    });
  });

  it('a strictly valid payload is untouched and reports no relaxation, whatever the profile', () => {
    const relax = profile([{ check: 'additionalProperties' }, { check: 'numberAsString' }]);
    const result = v16.validateRequest('BootNotification', BOOT, relax);
    expect(result).toEqual({ ok: true, payload: BOOT, relaxed: [] });
    expect(result.ok && result.payload).toBe(BOOT);
  });

  it('also relaxes responses a station returns (GetConfiguration with an over-long value)', () => {
    const payload = { configurationKey: [{ key: 'AuthorizationKey', readonly: false, value: 'v'.repeat(600) }] };
    expect(v16.validateResponse('GetConfiguration', payload)).toMatchObject({ ok: false, kind: 'PropertyConstraintViolation' });
    expect(v16.validateResponse('GetConfiguration', payload, profile([{ check: 'maxLength' }]))).toMatchObject({
      ok: true,
      relaxed: [{ check: 'maxLength', action: 'GetConfiguration', path: '/configurationKey/0/value' }],
    });
  });
});
