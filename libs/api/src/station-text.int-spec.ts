import type { RawOcppClient } from '@evcsms/testing';
import { InProcessPlatform } from '../test/in-process-platform';

/**
 * Text a station sends that passes every OCPP schema but that PostgreSQL cannot store (JSON
 * `\u0000`, an unpaired surrogate `\ud800`): refused by the gateway with a CALLERROR naming the
 * field, before the sessions service tries to write it; the station's next message is handled as
 * usual. The same holds for the answers a station gives to CSMS calls.
 */
describe('unstorable text from real WebSocket stations', () => {
  jest.setTimeout(30_000);
  let platform: InProcessPlatform;

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: true, withBilling: false });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const refusal = (id: string, field: string) => [4, id, 'PropertyConstraintViolation', `${field}: contains U+0000 or an unpaired UTF-16 surrogate, which the CSMS cannot store`, {}];

  it('refuses NUL and unpaired surrogates in 1.6 BootNotification, Authorize, StatusNotification and DataTransfer', async () => {
    const cp = await platform.connectStation('CP-TEXT-16', 'ocpp1.6');
    expect(await cp.call('b1', 'BootNotification', { chargePointVendor: 'Ac\u0000me', chargePointModel: 'AC22' })).toEqual(refusal('b1', 'chargePointVendor'));
    expect(await cp.call('b2', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC22' })).toEqual([3, 'b2', expect.objectContaining({ status: 'Accepted' })]);
    expect(await cp.call('a1', 'Authorize', { idTag: 'TAG\u0000' })).toEqual(refusal('a1', 'idTag'));
    const status = { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() };
    expect(await cp.call('s1', 'StatusNotification', { ...status, info: 'x\ud800' })).toEqual(refusal('s1', 'info'));
    expect(await cp.call('d1', 'DataTransfer', { vendorId: 'acme', data: '\udc00' })).toEqual(refusal('d1', 'data'));
    // Nothing refused was stored; the station goes on and its next messages are handled.
    expect(await cp.call('s2', 'StatusNotification', status)).toEqual([3, 's2', {}]);
    const [station] = await platform.dataSource.query(`SELECT vendor FROM stations WHERE id = 'CP-TEXT-16'`);
    expect(station).toEqual({ vendor: 'Acme' });
    expect(await platform.dataSource.query(`SELECT count(*)::int AS n FROM connector_status_events WHERE station_id = 'CP-TEXT-16'`)).toEqual([{ n: 1 }]);
  });

  it('refuses NUL in a 2.0.1 Authorize idToken and in customData property names', async () => {
    const cs = await platform.connectStation('CS-TEXT-201', 'ocpp2.0.1');
    expect(await cs.call('b1', 'BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC150' } })).toEqual([3, 'b1', expect.objectContaining({ status: 'Accepted' })]);
    expect(await cs.call('a1', 'Authorize', { idToken: { idToken: 'T\u0000K', type: 'ISO14443' } })).toEqual(refusal('a1', 'idToken.idToken'));
    expect(await cs.call('a2', 'Authorize', { idToken: { idToken: 'TOK', type: 'ISO14443', customData: { vendorId: 'acme', 'k\u0000': 1 } } })).toEqual(
      refusal('a2', 'idToken.customData (a property name)'),
    );
    expect(await cs.call('a3', 'Authorize', { idToken: { idToken: 'TOK', type: 'ISO14443' } })).toEqual([3, 'a3', expect.objectContaining({ idTokenInfo: expect.anything() })]);
  });

  it("answers 502 when a station's answer to a command carries NUL, and the next command works", async () => {
    const cp: RawOcppClient = await platform.connectStation('CP-TEXT-ANSWER', 'ocpp1.6');
    await cp.call('b', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC22' });
    const pending = platform.call('POST', '/api/v1/stations/CP-TEXT-ANSWER/commands/get-configuration', { body: { keys: ['HeartbeatInterval'] } });
    const asked = await cp.expectCall('GetConfiguration');
    cp.sendFrame([3, asked[1], { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '30\u0000' }] }]);
    const answer = await pending;
    expect(answer.status).toBe(502);
    expect(answer.body.detail).toBe('configurationKey[0].value: contains U+0000 or an unpaired UTF-16 surrogate, which the CSMS cannot store');

    const again = platform.call('POST', '/api/v1/stations/CP-TEXT-ANSWER/commands/clear-cache', { body: {} });
    const clear = await cp.expectCall('ClearCache');
    cp.sendFrame([3, clear[1], { status: 'Accepted' }]);
    expect((await again).status).toBe(200);
  });
});
