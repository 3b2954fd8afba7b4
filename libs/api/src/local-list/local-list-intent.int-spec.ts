import type { RawOcppClient } from '@evcsms/testing';
import { InProcessPlatform } from '../../test/in-process-platform';

/**
 * SendLocalList never reaches a station unless its outcome can be stored: the entries are checked
 * and the update recorded (Pending, with its entries) before the call; Accepted applies it and
 * marks it in one transaction; a refusal or no answer leaves the record saying so.
 */
describe('local list updates: intent first, outcome always recorded', () => {
  jest.setTimeout(30_000);
  let platform: InProcessPlatform;
  let cp: RawOcppClient;

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: false, callTimeoutMs: 1_500 });
    cp = await platform.connectStation('CP-LL', 'ocpp1.6');
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const put = (body: unknown) => platform.call('PUT', '/api/v1/stations/CP-LL/local-list', { body });
  const sentLists = () => cp.received.filter((frame) => Array.isArray(frame) && frame[0] === 2 && frame[2] === 'SendLocalList').length;
  async function answered(body: unknown, answer: Record<string, unknown>) {
    const pending = put(body);
    const [, messageId, , payload] = await cp.expectCall('SendLocalList', 5_000);
    cp.sendFrame([3, messageId, answer]);
    return { payload, response: await pending };
  }
  const view = async () => (await platform.call('GET', '/api/v1/stations/CP-LL/local-list')).body;

  it('sends a Full list, records it Accepted with the entries sent', async () => {
    const { response } = await answered({ updateType: 'Full', entries: [{ idToken: 'A', status: 'Accepted' }, { idToken: 'B', status: 'Accepted' }] }, { status: 'Accepted' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ version: 1, lastUpdate: { version: 1, updateType: 'Full', status: 'Accepted', stationStatus: null, failure: null } });
    const [row] = await platform.dataSource.query(`SELECT entries FROM local_auth_list_updates WHERE station_id = 'CP-LL' AND version = 1`);
    expect(row.entries.map((entry: { idToken: string }) => entry.idToken)).toEqual(['A', 'B']);
  });

  it('answers the Differential with a NUL idToken 400 and sends the station nothing', async () => {
    const before = sentLists();
    const response = await put({ updateType: 'Differential', entries: [{ idToken: 'C', status: 'Accepted' }, { idToken: 'D', status: 'Accepted' }, { idToken: 'E\u0000', status: 'Accepted' }] });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'body.entries[2].idToken', message: 'contains the control character U+0000' }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sentLists()).toBe(before);
    expect(await view()).toMatchObject({ version: 1, lastUpdate: { version: 1, status: 'Accepted' } });
  });

  it('refuses the same token twice in one update (case-insensitively) before sending anything', async () => {
    const before = sentLists();
    const response = await put({ updateType: 'Differential', entries: [{ idToken: 'card-x', status: 'Accepted' }, { idToken: 'CARD-X' }] });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'body.entries[1].idToken', message: 'the same token and type as entries[0]' }]);
    expect(sentLists()).toBe(before);
  });

  it('still applies a normal Differential update', async () => {
    const { payload, response } = await answered({ updateType: 'Differential', entries: [{ idToken: 'A' }, { idToken: 'C', status: 'Blocked' }] }, { status: 'Accepted' });
    expect(payload).toEqual({ listVersion: 2, updateType: 'Differential', localAuthorizationList: [{ idTag: 'A' }, { idTag: 'C', idTagInfo: { status: 'Blocked' } }] });
    expect(response.status).toBe(200);
    expect(response.body.entries.map((entry: { idToken: string; status: string }) => [entry.idToken, entry.status])).toEqual([
      ['B', 'Accepted'],
      ['C', 'Blocked'],
    ]);
    expect(response.body).toMatchObject({ version: 2, lastUpdate: { version: 2, updateType: 'Differential', status: 'Accepted' } });
  });

  it('records a refusal with the station status and keeps the stored list', async () => {
    const { response } = await answered({ updateType: 'Differential', entries: [{ idToken: 'F', status: 'Accepted' }] }, { status: 'VersionMismatch' });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ stationStatus: 'VersionMismatch', version: 3 });
    expect(await view()).toMatchObject({ version: 2, lastUpdate: { version: 3, status: 'Refused', stationStatus: 'VersionMismatch', settledAt: expect.any(String) } });
  });

  it('records an unanswered update as Unanswered (the station may hold it or not) and keeps the stored list', async () => {
    const pending = put({ updateType: 'Differential', entries: [{ idToken: 'G', status: 'Accepted' }] });
    await cp.expectCall('SendLocalList', 5_000);
    const response = await pending;
    expect(response.status).toBe(504);
    const list = await view();
    expect(list).toMatchObject({ version: 2, lastUpdate: { version: 3, status: 'Unanswered', failure: expect.stringContaining('no answer') } });
    expect(list.entries.map((entry: { idToken: string }) => entry.idToken)).toEqual(['B', 'C']);
  });

  it('records an update the station received before it disconnected as Unanswered, not Failed (it may hold it)', async () => {
    const station = await platform.connectStation('CP-LL-HANGUP', 'ocpp1.6');
    const pending = platform.call('PUT', '/api/v1/stations/CP-LL-HANGUP/local-list', { body: { updateType: 'Full', entries: [{ idToken: 'H', status: 'Accepted' }] } });
    await station.expectCall('SendLocalList', 5_000);
    station.close();
    const response = await pending;
    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ delivered: true });
    const list = (await platform.call('GET', '/api/v1/stations/CP-LL-HANGUP/local-list')).body;
    expect(list).toMatchObject({ lastUpdate: { version: 1, status: 'Unanswered', failure: expect.stringContaining('disconnected before answering') } });
  });
});
