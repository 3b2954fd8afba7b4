import type { LeniencyProfile, OcppVersion } from '@evcsms/ocpp';
import { ENGINES, startTestGateway, type TestGateway } from '../test/gateway-harness';
import { metricValue } from '../test/prometheus-text';
import { RawOcppClient } from '../test/raw-ocpp-client';

/**
 * Leniency through the gateway: the profile is picked at the upgrade from the vendor/model stored
 * with the station's credential, relaxes only what it names, and every relaxation is counted.
 */

const PROFILE = 'acme-wallbox-fw1';
const VALUE_PATHS = ['/meterValue/*/sampledValue/*/value'];
const LENIENCY_PROFILES: LeniencyProfile[] = [
  {
    name: PROFILE,
    match: { vendor: 'Acme', model: 'Wallbox*' },
    relax: [
      { check: 'maxLength', actions: ['BootNotification'] },
      { check: 'numberAsString', actions: ['MeterValues'], paths: VALUE_PATHS },
      { check: 'stringAsNumber', actions: ['MeterValues'], paths: VALUE_PATHS },
      { check: 'enum', actions: ['StatusNotification'], paths: ['/status', '/connectorStatus'] },
    ],
  },
];

const SERIAL = 'SN-0123456789-ABCDEFGHIJ-XYZ-42'; // 31 characters; both versions allow 25
const TIMESTAMP = '2025-03-01T12:00:00Z';

interface VersionCase {
  readonly boot: Record<string, unknown>;
  readonly serialPath: string;
  readonly serialOf: (payload: Record<string, unknown>) => unknown;
  /** The over-long serial plus a violation the profile does not relax (a number where a string belongs). */
  readonly bootWithWrongType: Record<string, unknown>;
  readonly wrongTypePath: string;
  /** maxLength on an action the maxLength rule does not name. */
  readonly authorizeTooLong: Record<string, unknown>;
  readonly authorizePath: string;
  /** A meter value of the wrong type, coerced by the profile. */
  readonly meterValues: Record<string, unknown>;
  readonly coercion: { readonly check: 'numberAsString' | 'stringAsNumber'; readonly sent: unknown; readonly seen: unknown };
  /** A status outside the version's enumeration. */
  readonly status: Record<string, unknown>;
  readonly statusPath: string;
  readonly statusValue: string;
}

const CASES: Record<OcppVersion, VersionCase> = {
  'ocpp1.6': {
    boot: { chargePointVendor: 'Acme', chargePointModel: 'Wallbox Pro', chargePointSerialNumber: SERIAL },
    serialPath: '/chargePointSerialNumber',
    serialOf: (payload) => payload.chargePointSerialNumber,
    bootWithWrongType: { chargePointVendor: 'Acme', chargePointModel: 'Wallbox Pro', chargePointSerialNumber: SERIAL, firmwareVersion: 7 },
    wrongTypePath: '/firmwareVersion',
    authorizeTooLong: { idTag: 'T'.repeat(21) },
    authorizePath: '/idTag',
    meterValues: { connectorId: 1, meterValue: [{ timestamp: TIMESTAMP, sampledValue: [{ value: 12.5 }] }] },
    coercion: { check: 'numberAsString', sent: 12.5, seen: '12.5' },
    status: { connectorId: 1, errorCode: 'NoError', status: 'Occupied' },
    statusPath: '/status',
    statusValue: 'Occupied',
  },
  'ocpp2.0.1': {
    boot: { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'Wallbox Pro', serialNumber: SERIAL } },
    serialPath: '/chargingStation/serialNumber',
    serialOf: (payload) => (payload.chargingStation as Record<string, unknown>).serialNumber,
    bootWithWrongType: { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'Wallbox Pro', serialNumber: SERIAL, firmwareVersion: 7 } },
    wrongTypePath: '/chargingStation/firmwareVersion',
    authorizeTooLong: { idToken: { idToken: 'T'.repeat(37), type: 'ISO14443' } },
    authorizePath: '/idToken/idToken',
    meterValues: { evseId: 1, meterValue: [{ timestamp: TIMESTAMP, sampledValue: [{ value: '12.5' }] }] },
    coercion: { check: 'stringAsNumber', sent: '12.5', seen: 12.5 },
    status: { timestamp: TIMESTAMP, connectorStatus: 'Charging', evseId: 1, connectorId: 1 },
    statusPath: '/connectorStatus',
    statusValue: 'Charging',
  },
};

function schemaError(id: string, code: string, action: string, path: string, rule: string): unknown[] {
  return [
    4,
    id,
    code,
    expect.stringMatching(new RegExp(`^${action} request: .*${escapeRegExp(path)}.*\\(${rule}\\)`)),
    { errors: [{ path, rule, message: expect.any(String) }] },
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe.each(ENGINES)('leniency profiles on the %s engine', (engine) => {
  describe.each(['ocpp1.6', 'ocpp2.0.1'] as const)('%s', (version) => {
    const fixture = CASES[version];
    const typeCode = 'TypeConstraintViolation';
    const propertyCode = 'PropertyConstraintViolation';
    let harness: TestGateway;
    const clients: RawOcppClient[] = [];

    async function connect(stationId: string): Promise<RawOcppClient> {
      const client = await RawOcppClient.connect(harness.url(stationId), { protocols: [version] });
      clients.push(client);
      return client;
    }

    const relaxations = async (labels: Record<string, string> = {}): Promise<number> =>
      metricValue(await harness.metrics.render(), 'ocpp_gateway_leniency_relaxations_total', labels);

    beforeEach(async () => {
      harness = await startTestGateway(engine, { leniencyProfiles: LENIENCY_PROFILES });
      // Matched case-insensitively, the model by glob.
      harness.credentials.put({ stationId: 'CP-LENIENT', securityProfile: 0, vendor: 'ACME', model: 'wallbox pro' });
      harness.credentials.put({ stationId: 'CP-STRICT', securityProfile: 0, vendor: 'Acme', model: 'DC150' });
    });

    afterEach(async () => {
      for (const client of clients.splice(0)) client.terminate();
      await harness?.close();
    });

    it('accepts the over-long serial number of a station whose profile relaxes maxLength, unchanged, and counts it', async () => {
      const client = await connect('CP-LENIENT');
      expect(await client.call('boot', 'BootNotification', fixture.boot)).toEqual([3, 'boot', expect.objectContaining({ status: 'Accepted' })]);

      expect(harness.calls).toHaveLength(1);
      const seen = harness.calls[0]!;
      expect(seen).toMatchObject({ stationId: 'CP-LENIENT', protocol: version, action: 'BootNotification', messageId: 'boot' });
      expect(seen.payload).toEqual(fixture.boot);
      expect(fixture.serialOf(seen.payload)).toBe(SERIAL);

      const text = await harness.metrics.render();
      expect(text).toContain(`ocpp_gateway_leniency_relaxations_total{profile="${PROFILE}",check="maxLength",action="BootNotification"} 1\n`);
      expect(metricValue(text, 'ocpp_gateway_leniency_relaxations_total')).toBe(1);
    });

    it('answers the same frame from a station without the profile with the exact CALLERROR', async () => {
      const client = await connect('CP-STRICT');
      expect(await client.call('boot', 'BootNotification', fixture.boot)).toEqual(
        schemaError('boot', propertyCode, 'BootNotification', fixture.serialPath, 'maxLength'),
      );
      // An unknown station (no credential, so no vendor/model) is strict as well.
      const unknown = await connect('CP-UNKNOWN');
      expect(await unknown.call('boot', 'BootNotification', fixture.boot)).toEqual(
        schemaError('boot', propertyCode, 'BootNotification', fixture.serialPath, 'maxLength'),
      );
      expect(harness.calls).toHaveLength(0);
      expect(await relaxations()).toBe(0);
    });

    it('still refuses what the profile does not relax, for the lenient station', async () => {
      const client = await connect('CP-LENIENT');
      // Covered maxLength plus an uncovered type error: the uncovered one names the error.
      const mixed = await client.call('mixed', 'BootNotification', fixture.bootWithWrongType);
      expect(mixed).toEqual(schemaError('mixed', typeCode, 'BootNotification', fixture.wrongTypePath, 'type'));
      expect(mixed[3]).not.toContain(fixture.serialPath);
      // maxLength on an action the rule does not name.
      expect(await client.call('auth', 'Authorize', fixture.authorizeTooLong)).toEqual(
        schemaError('auth', propertyCode, 'Authorize', fixture.authorizePath, 'maxLength'),
      );
      expect(harness.calls).toHaveLength(0);
      expect(await relaxations()).toBe(0);
      // And the connection is fine.
      expect((await client.call('hb', 'Heartbeat', {}))[0]).toBe(3);
    });

    it('does not count a relaxation for a payload that conforms', async () => {
      const client = await connect('CP-LENIENT');
      const conforming = JSON.parse(JSON.stringify(fixture.boot).replace(SERIAL, 'SN-1')) as Record<string, unknown>;
      expect((await client.call('ok', 'BootNotification', conforming))[0]).toBe(3);
      expect(harness.calls[0]!.payload).toEqual(conforming);
      expect(await relaxations()).toBe(0);
    });

    it(`coerces a meter value of the wrong type (${fixture.coercion.check}) and hands the handler the fixed payload`, async () => {
      const client = await connect('CP-LENIENT');
      expect(await client.call('mv', 'MeterValues', fixture.meterValues)).toEqual([3, 'mv', {}]);
      const seen = harness.calls[0]!.payload as { meterValue: Array<{ sampledValue: Array<{ value: unknown }> }> };
      expect(seen.meterValue[0]!.sampledValue[0]!.value).toBe(fixture.coercion.seen);
      // Copy-on-write: the rest of the payload is what was sent.
      expect({ ...seen, meterValue: undefined }).toEqual({ ...fixture.meterValues, meterValue: undefined });
      expect(await relaxations({ profile: PROFILE, check: fixture.coercion.check, action: 'MeterValues' })).toBe(1);

      const strict = await connect('CP-STRICT');
      expect(await strict.call('mv', 'MeterValues', fixture.meterValues)).toEqual(
        schemaError('mv', typeCode, 'MeterValues', '/meterValue/0/sampledValue/0/value', 'type'),
      );
      expect(harness.calls).toHaveLength(1);
    });

    it('accepts a status outside the enumeration for the lenient station only', async () => {
      const client = await connect('CP-LENIENT');
      expect(await client.call('st', 'StatusNotification', fixture.status)).toEqual([3, 'st', {}]);
      expect(harness.calls[0]!.payload).toEqual(fixture.status);
      expect(await relaxations({ profile: PROFILE, check: 'enum', action: 'StatusNotification' })).toBe(1);

      const strict = await connect('CP-STRICT');
      const refused = await strict.call('st', 'StatusNotification', fixture.status);
      expect(refused).toEqual(schemaError('st', propertyCode, 'StatusNotification', fixture.statusPath, 'enum'));
      expect(harness.calls).toHaveLength(1);
    });
  });
});
