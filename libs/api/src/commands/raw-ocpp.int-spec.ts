import { waitFor, type RawOcppClient } from '@evcsms/testing';
import { InProcessPlatform } from '../../test/in-process-platform';
import { ResponseChecker, type OpenApiDocument } from '../../test/openapi-contract';

/**
 * POST /stations/{id}/ocpp/{action}: any CSMS-initiated call, validated against the station's
 * version before it is sent, through the same path (and bounds) as the typed commands, to a real
 * WebSocket station.
 */
describe('raw OCPP calls through the API and the gateway', () => {
  jest.setTimeout(30_000);
  let platform: InProcessPlatform;

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: true });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const raw = (stationId: string, action: string, body: unknown, query = '') => platform.call('POST', `/api/v1/stations/${stationId}/ocpp/${action}${query}`, { body });
  const callsReceived = (client: { received: unknown[] }) => client.received.filter((frame) => Array.isArray(frame) && frame[0] === 2).map((frame) => (frame as unknown[])[2]);
  /** Sends the API request while the station answers the one CALL it causes. */
  async function answered(client: RawOcppClient, action: string, answer: unknown, request: () => ReturnType<typeof raw>) {
    const pending = request();
    const received = await client.expectCall(action, 5_000);
    client.sendFrame([3, received[1], answer]);
    return { received: received[3], response: await pending };
  }

  it("sends a 1.6 ChangeAvailability and GetConfiguration as given and answers with the station's answer", async () => {
    const cp = await platform.bootStation('CP-RAW-16', 'ocpp1.6');
    const availability = await answered(cp, 'ChangeAvailability', { status: 'Scheduled' }, () => raw('CP-RAW-16', 'ChangeAvailability', { connectorId: 2, type: 'Inoperative' }));
    expect(availability.received).toEqual({ connectorId: 2, type: 'Inoperative' });
    expect(availability.response.status).toBe(200);
    expect(availability.response.body).toEqual({ status: 'Scheduled', response: { status: 'Scheduled' } });

    const configuration = { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }], unknownKey: ['Nope'] };
    const read = await answered(cp, 'GetConfiguration', configuration, () => raw('CP-RAW-16', 'GetConfiguration', { key: ['HeartbeatInterval', 'Nope'] }));
    expect(read.received).toEqual({ key: ['HeartbeatInterval', 'Nope'] });
    expect(read.response.body).toEqual({ status: 'Accepted', response: configuration });
    new ResponseChecker((await platform.call('GET', '/docs-json')).body as OpenApiDocument).check('post', '/api/v1/stations/{id}/ocpp/{action}', 200, read.response.body);
  });

  it('sends a 2.0.1 GetVariables and answers with the station’s results', async () => {
    const cs = await platform.bootStation('CS-RAW-201', 'ocpp2.0.1');
    const request = { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] };
    const result = { getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '300', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] };
    const read = await answered(cs, 'GetVariables', result, () => raw('CS-RAW-201', 'GetVariables', request));
    expect(read.received).toEqual(request);
    expect(read.response.body).toEqual({ status: 'Accepted', response: result });
  });

  it('answers 502 when the station’s answer does not match its schema', async () => {
    const cp = await platform.bootStation('CP-RAW-BADANSWER', 'ocpp1.6');
    const bad = await answered(cp, 'ClearCache', { status: 'Maybe' }, () => raw('CP-RAW-BADANSWER', 'ClearCache', {}));
    expect(bad.response.status).toBe(502);
    expect(bad.response.body.detail).toContain('/status');
  });

  it.each([
    ['a payload its schema refuses, with the paths', 'CP-RAW-REFUSE-16', 'ChangeAvailability', { connectorId: 'one', type: 'Sideways' }, '/connectorId'],
    ['a missing required field', 'CP-RAW-REFUSE-16', 'ChangeAvailability', { type: 'Operative' }, '/connectorId'],
    ['an action the station sends', 'CP-RAW-REFUSE-16', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }, 'sent by the station'],
    ['an action that does not exist', 'CP-RAW-REFUSE-16', 'Teleport', {}, 'is not an ocpp1.6 action'],
    ['a 1.6 action to a 2.0.1 station', 'CS-RAW-REFUSE-201', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '60' }, 'is not an ocpp2.0.1 action'],
    ['a 1.6 payload for a 2.0.1 action', 'CS-RAW-REFUSE-201', 'ChangeAvailability', { connectorId: 0, type: 'Operative' }, '/operationalStatus'],
    ['a trigger whose message the CSMS refuses', 'CS-RAW-REFUSE-201', 'TriggerMessage', { requestedMessage: 'SignV2GCertificate' }, 'SignV2GCertificate would make the station send SignCertificate'],
    ['a 1.6 extended trigger whose message the CSMS refuses', 'CP-RAW-REFUSE-16', 'ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' }, 'would make the station send SignCertificate'],
    ['the 1.6 password', 'CP-RAW-REFUSE-16', 'ChangeConfiguration', { key: 'authorizationKey', value: '0123456789abcdef0123' }, 'POST /api/v1/stations/CP-RAW-REFUSE-16/credentials/rotate'],
    [
      'the 2.0.1 password',
      'CS-RAW-REFUSE-201',
      'SetVariables',
      { setVariableData: [{ attributeValue: '60', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }, { attributeValue: 'a-new-password-0123', component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] },
      'POST /api/v1/stations/CS-RAW-REFUSE-201/credentials/rotate',
    ],
    ['the 2.0.1 security profile', 'CS-RAW-REFUSE-201', 'SetVariables', { setVariableData: [{ attributeValue: '0', component: { name: 'SecurityCtrlr' }, variable: { name: 'SecurityProfile' } }] }, 'PATCH /api/v1/stations/CS-RAW-REFUSE-201'],
  ])('refuses %s with 400 and sends nothing', async (_what, stationId, action, body, detail) => {
    const client = await platform.connectStation(stationId, stationId.startsWith('CS') ? 'ocpp2.0.1' : 'ocpp1.6');
    const before = callsReceived(client).length;
    const response = await raw(stationId, action, body);
    expect(response.status).toBe(400);
    expect(response.type).toContain('application/problem+json');
    expect(JSON.stringify(response.body)).toContain(detail);
    // One more call that does go through: had the refused one been sent, it would come first.
    const cleared = await answered(client, 'ClearCache', { status: 'Accepted' }, () => raw(stationId, 'ClearCache', {}));
    expect(cleared.response.status).toBe(200);
    expect(callsReceived(client).slice(before)).toEqual(['ClearCache']);
  });

  it.each([
    ['CP-TYPED-PASSWORD-16', 'ocpp1.6', 'AuthorizationKey'],
    ['CS-TYPED-PASSWORD-201', 'ocpp2.0.1', 'SecurityCtrlr.BasicAuthPassword'],
  ] as const)('refuses the password through the typed set-configuration too (%s) and sends nothing', async (stationId, protocol, key) => {
    const client = await platform.connectStation(stationId, protocol);
    const response = await platform.call('POST', `/api/v1/stations/${stationId}/commands/set-configuration`, { body: { key, value: 'a-new-password-0123' } });
    expect(response.status).toBe(400);
    expect(response.body.detail).toContain(`POST /api/v1/stations/${stationId}/credentials/rotate`);
    await answered(client, 'ClearCache', { status: 'Accepted' }, () => raw(stationId, 'ClearCache', {}));
    expect(callsReceived(client)).toEqual(['ClearCache']);
  });

  it('lists the schema paths of every violation', async () => {
    await platform.connectStation('CP-RAW-PATHS', 'ocpp1.6');
    const response = await raw('CP-RAW-PATHS', 'ChangeAvailability', { connectorId: 'one', type: 'Sideways', extra: 1 });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['/connectorId', '/extra', '/type']);
  });

  it('queues for an offline station when asked (202), 409 otherwise, and delivers the call when it reconnects', async () => {
    const cp = await platform.bootStation('CP-RAW-OFFLINE', 'ocpp1.6');
    cp.close();
    await waitFor(async () => (await platform.registry.lookup('CP-RAW-OFFLINE')) === undefined, { description: 'CP-RAW-OFFLINE offline', timeoutMs: 5_000 });
    expect((await raw('CP-RAW-OFFLINE', 'ClearCache', {})).status).toBe(409);
    // Validated before it is queued too.
    expect((await raw('CP-RAW-OFFLINE', 'ClearCache', { all: true }, '?queueIfOffline=true')).status).toBe(400);
    const queued = await raw('CP-RAW-OFFLINE', 'ChangeAvailability', { connectorId: 0, type: 'Inoperative' }, '?queueIfOffline=true&ttlSeconds=600');
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ commandId: expect.any(String), status: 'Queued' });
    const status = await platform.call('GET', `/api/v1/commands/${queued.body.commandId}`);
    expect(status.body).toMatchObject({ status: 'Queued', action: 'ChangeAvailability', payload: { connectorId: 0, type: 'Inoperative' } });
    const back = await platform.connectStation('CP-RAW-OFFLINE', 'ocpp1.6');
    const delivered = await back.expectCall('ChangeAvailability', 5_000);
    expect(delivered[3]).toEqual({ connectorId: 0, type: 'Inoperative' });
  });

  it('applies the typed commands’ bounds and needs the operate scope', async () => {
    await platform.connectStation('CP-RAW-BOUNDS', 'ocpp1.6');
    const bounded = await raw('CP-RAW-BOUNDS', 'ClearCache', {}, '?timeoutSeconds=31');
    expect(bounded.status).toBe(400);
    expect(bounded.body.detail).toContain('timeoutSeconds must be a whole number of seconds');
    expect((await raw('CP-RAW-BOUNDS', 'ClearCache', {}, '?timeout=5')).status).toBe(400);
    const key = await platform.call('POST', '/api/v1/api-keys', { body: { name: 'reader', scopes: ['read'] } });
    const refused = await platform.call('POST', '/api/v1/stations/CP-RAW-BOUNDS/ocpp/ClearCache', { key: key.body.key, body: {} });
    expect(refused.status).toBe(403);
  });
});
