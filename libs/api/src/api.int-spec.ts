import { StationEntity, TransactionEntity, type DataSource } from '@evcsms/data-access';
import type { RawOcppClient } from '@evcsms/testing';
import { ADMIN_KEY, InProcessPlatform, type ApiResponse } from '../test/in-process-platform';

describe('operator API over real HTTP', () => {
  jest.setTimeout(30_000);
  let platform: InProcessPlatform;
  let dataSource: DataSource;

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: false });
    dataSource = platform.dataSource;
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const call = (method: string, path: string, options: { key?: string | null; body?: unknown } = {}): Promise<ApiResponse> => platform.call(method, path, options);
  const connectStation = (stationId: string, protocol: 'ocpp1.6' | 'ocpp2.0.1'): Promise<RawOcppClient> => platform.connectStation(stationId, protocol);

  describe('authentication and scopes', () => {
    it('refuses a request without a key with 401 problem+json', async () => {
      const response = await call('GET', '/api/v1/stations', { key: null });
      expect(response.status).toBe(401);
      expect(response.type).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    });

    it('refuses an unknown key', async () => {
      expect((await call('GET', '/api/v1/stations', { key: 'nope' })).status).toBe(401);
    });

    it('lets an admin create a read-only key that can read but not operate, and revoke it', async () => {
      const created = await call('POST', '/api/v1/api-keys', { body: { name: 'dashboard', scopes: ['read'] } });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^csms_/);
      const readKey = created.body.key as string;
      expect((await call('GET', '/api/v1/stations', { key: readKey })).status).toBe(200);
      const refused = await call('POST', '/api/v1/tokens', { key: readKey, body: { idToken: 'X', type: 'ISO14443', status: 'Accepted' } });
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toContain('operate');
      expect((await call('GET', '/api/v1/api-keys', { key: readKey })).status).toBe(403);
      const listed = await call('GET', '/api/v1/api-keys');
      expect(JSON.stringify(listed.body)).not.toContain(readKey);
      expect((await call('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
      expect((await call('GET', '/api/v1/stations', { key: readKey })).status).toBe(401);
    });
  });

  describe('tokens', () => {
    it('creates, refuses a duplicate, updates and blocks a token', async () => {
      const created = await call('POST', '/api/v1/tokens', { body: { idToken: 'TAG001', type: 'ISO14443', status: 'Accepted', groupId: 'RESIDENTS' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ idToken: 'TAG001', type: 'ISO14443', status: 'Accepted', groupId: 'RESIDENTS', expiresAt: null });
      expect((await call('POST', '/api/v1/tokens', { body: { idToken: 'TAG001', type: 'ISO14443', status: 'Accepted' } })).status).toBe(409);
      const updated = await call('PATCH', `/api/v1/tokens/${created.body.id}`, { body: { expiresAt: '2030-01-01T00:00:00Z', groupId: null } });
      expect(updated.body).toMatchObject({ expiresAt: '2030-01-01T00:00:00.000Z', groupId: null });
      const blocked = await call('POST', `/api/v1/tokens/${created.body.id}/block`);
      expect(blocked.body.status).toBe('Blocked');
    });

    it.each([
      ['a missing type', { idToken: 'T2', status: 'Accepted' }, '/'],
      ['an unknown token type', { idToken: 'T2', type: 'Barcode', status: 'Accepted' }, '/type'],
      ['an unknown property', { idToken: 'T2', type: 'ISO14443', status: 'Accepted', colour: 'red' }, '/'],
      ['a bad expiry', { idToken: 'T2', type: 'ISO14443', status: 'Accepted', expiresAt: 'soon' }, '/expiresAt'],
    ])('answers 400 with the field for %s', async (_what, body, path) => {
      const response = await call('POST', '/api/v1/tokens', { body });
      expect(response.status).toBe(400);
      expect(response.type).toContain('application/problem+json');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    });

    it('answers 400 for a body that is not JSON', async () => {
      const response = await fetch(`http://127.0.0.1:${platform.api.port}/api/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: '{not json',
      });
      expect(response.status).toBe(400);
    });
  });

  describe('stations and sessions', () => {
    beforeAll(async () => {
      await dataSource.getRepository(StationEntity).insert([
        { id: 'CP-LIST-1', protocol: 'ocpp1.6', vendor: 'Acme', model: 'AC22', online: true },
        { id: 'CP-LIST-2', protocol: 'ocpp2.0.1', vendor: 'Acme', model: 'DC150', online: false },
        { id: 'CP-LIST-3', protocol: 'ocpp1.6', vendor: 'Other', model: 'X', online: false },
      ]);
      const base = Date.parse('2026-11-01T10:00:00Z');
      await dataSource.getRepository(TransactionEntity).insert(
        Array.from({ length: 5 }, (_, index) => ({
          stationId: 'CP-LIST-1',
          evseId: 1,
          connectorId: 1,
          protocol: 'ocpp1.6',
          ocppTransactionId: String(100 + index),
          status: index === 4 ? ('active' as const) : ('completed' as const),
          startedAt: new Date(base + index * 3_600_000),
          energyWh: String(1000 * (index + 1)),
        })),
      );
    });

    it('pages through stations with a cursor', async () => {
      const first = await call('GET', '/api/v1/stations?limit=2');
      expect(first.body.items.map((station: { id: string }) => station.id)).toEqual(expect.arrayContaining(['CP-LIST-1']));
      expect(first.body.items).toHaveLength(2);
      const second = await call('GET', `/api/v1/stations?limit=2&cursor=${first.body.nextCursor}`);
      const ids = [...first.body.items, ...second.body.items].map((station: { id: string }) => station.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(first.body.items[0]).toMatchObject({ id: expect.any(String), protocol: expect.any(String), online: expect.any(Boolean), connectors: [] });
    });

    it('answers 404 problem+json for an unknown station and 400 for a forged cursor', async () => {
      expect((await call('GET', '/api/v1/stations/NOPE')).status).toBe(404);
      expect((await call('GET', '/api/v1/stations?cursor=garbage')).status).toBe(400);
    });

    it('lists sessions newest first, filters by status, and pages', async () => {
      const active = await call('GET', '/api/v1/sessions?stationId=CP-LIST-1&status=active');
      expect(active.body.items).toHaveLength(1);
      expect(active.body.items[0]).toMatchObject({ stationId: 'CP-LIST-1', status: 'active', energyWh: 5000, endedAt: null });
      const page1 = await call('GET', '/api/v1/sessions?stationId=CP-LIST-1&limit=3');
      const page2 = await call('GET', `/api/v1/sessions?stationId=CP-LIST-1&limit=3&cursor=${page1.body.nextCursor}`);
      const energies = [...page1.body.items, ...page2.body.items].map((session: { energyWh: number }) => session.energyWh);
      expect(energies).toEqual([5000, 4000, 3000, 2000, 1000]);
      expect(page2.body.nextCursor).toBeNull();
      const detail = await call('GET', `/api/v1/sessions/${page1.body.items[0].id}`);
      expect(detail.body).toMatchObject({ energyWh: 5000, transactionId: '104' });
    });
  });

  describe('commands', () => {
    it('sends a reset to a connected 1.6 station and answers with its status', async () => {
      const client = await connectStation('CP-CMD-16', 'ocpp1.6');
      const pending = call('POST', '/api/v1/stations/CP-CMD-16/commands/reset', { body: { type: 'Hard' } });
      const [, messageId, , payload] = await client.expectCall('Reset', 5_000);
      expect(payload).toEqual({ type: 'Hard' });
      client.sendFrame([3, messageId, { status: 'Accepted' }]);
      const response = await pending;
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'Accepted', response: { status: 'Accepted' } });
    });

    it('maps the same command to the 2.0.1 shape for a 2.0.1 station', async () => {
      const client = await connectStation('CP-CMD-201', 'ocpp2.0.1');
      const pending = call('POST', '/api/v1/stations/CP-CMD-201/commands/remote-start', { body: { evseId: 1, idToken: 'NOT-REGISTERED-7' } });
      const [, messageId, , payload] = await client.expectCall('RequestStartTransaction', 5_000);
      // Not a registered token: sent as Central, a CSMS-generated id.
      expect(payload).toMatchObject({ evseId: 1, idToken: { idToken: 'NOT-REGISTERED-7', type: 'Central' }, remoteStartId: expect.any(Number) });
      client.sendFrame([3, messageId, { status: 'Accepted' }]);
      expect((await pending).body.status).toBe('Accepted');
    });

    it('answers 502 with the code when the station refuses with a CALLERROR', async () => {
      const client = await connectStation('CP-CMD-ERR', 'ocpp1.6');
      const pending = call('POST', '/api/v1/stations/CP-CMD-ERR/commands/clear-cache');
      const [, messageId] = await client.expectCall('ClearCache', 5_000);
      client.sendFrame([4, messageId, 'NotSupported', 'no cache', {}]);
      const response = await pending;
      expect(response.status).toBe(502);
      expect(response.body.errorCode).toBe('NotSupported');
    });

    it('answers 504 when the station does not answer in time', async () => {
      await connectStation('CP-CMD-SLOW', 'ocpp1.6');
      const response = await call('POST', '/api/v1/stations/CP-CMD-SLOW/commands/clear-cache?timeoutSeconds=1');
      expect(response.status).toBe(504);
    });

    it('tells "delivered, no answer" (502, delivered: true) from "not delivered" (409, delivered: false) when a station closes on a CALL', async () => {
      await dataSource.getRepository(StationEntity).insert({ id: 'CP-CMD-HANGUP', protocol: 'ocpp1.6', vendor: 'Acme', model: 'AC22', online: false });
      const station = await connectStation('CP-CMD-HANGUP', 'ocpp1.6');
      const onWire = call('POST', '/api/v1/stations/CP-CMD-HANGUP/commands/remote-start', { body: { idToken: 'HANGUP-1', evseId: 1 } });
      await station.expectCall('RemoteStartTransaction', 5_000);
      // Queued in the gateway behind the first: the station never sees it.
      const behind = call('POST', '/api/v1/stations/CP-CMD-HANGUP/commands/clear-cache');
      await new Promise((resolve) => setTimeout(resolve, 200));
      station.close();
      const delivered = await onWire;
      expect(delivered.status).toBe(502);
      expect(delivered.type).toContain('application/problem+json');
      expect(delivered.body).toMatchObject({ type: 'https://evcsms.dev/problems/delivered-no-answer', status: 502, delivered: true });
      expect(delivered.body.detail).toContain('received the RemoteStartTransaction');
      const notSent = await behind;
      expect(notSent.status).toBe(409);
      expect(notSent.body).toMatchObject({ type: 'https://evcsms.dev/problems/not-delivered', status: 409, delivered: false });

      await station.closed;
      const offline = await call('POST', '/api/v1/stations/CP-CMD-HANGUP/commands/clear-cache');
      expect(offline.status).toBe(409);
      expect(offline.body).toMatchObject({ type: 'https://evcsms.dev/problems/not-delivered', delivered: false });
    });

    it('answers 409 for an offline station, or 202 and a status resource when asked to queue', async () => {
      expect((await call('POST', '/api/v1/stations/CP-LIST-3/commands/reset', { body: {} })).status).toBe(409);
      const queued = await call('POST', '/api/v1/stations/CP-LIST-3/commands/reset?queueIfOffline=true&ttlSeconds=600', { body: { type: 'Soft' } });
      expect(queued.status).toBe(202);
      expect(queued.body).toMatchObject({ commandId: expect.any(String), status: 'Queued' });
      const status = await call('GET', `/api/v1/commands/${queued.body.commandId}`);
      expect(status.body).toMatchObject({ status: 'Queued', stationId: 'CP-LIST-3', action: 'Reset', payload: { type: 'Soft' } });
    });

    it('answers 404 for unknown stations and commands, 400 for a bad command body', async () => {
      expect((await call('POST', '/api/v1/stations/CP-NOBODY/commands/reset')).status).toBe(404);
      expect((await call('POST', '/api/v1/stations/CP-LIST-1/commands/teleport')).status).toBe(404);
      const bad = await call('POST', '/api/v1/stations/CP-LIST-1/commands/unlock', { body: { evseId: 'one' } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].path).toBe('/evseId');
    });
  });

  it('lists live connections from the registry, by pod', async () => {
    await connectStation('CP-CONN', 'ocpp1.6');
    const all = await call('GET', '/api/v1/connections?podId=pod-api');
    expect(all.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ stationId: 'CP-CONN', podId: 'pod-api', protocol: 'ocpp1.6' })]));
    expect((await call('GET', '/api/v1/connections/CP-CONN')).body).toMatchObject({ stationId: 'CP-CONN', podId: 'pod-api' });
    expect((await call('GET', '/api/v1/connections/CP-NOT-HERE')).status).toBe(404);
  });

  it('publishes an OpenAPI document and its UI', async () => {
    const document = await call('GET', '/docs-json', { key: null });
    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/stations', '/api/v1/sessions', '/api/v1/tokens', '/api/v1/stations/{id}/commands/reset']),
    );
    const ui = await fetch(`http://127.0.0.1:${platform.api.port}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('serves health, readiness and metrics without a key', async () => {
    expect((await call('GET', '/healthz', { key: null })).status).toBe(200);
    expect((await call('GET', '/readyz', { key: null })).body).toEqual({ status: 'ready', checks: {} });
    const metrics = await fetch(`http://127.0.0.1:${platform.api.port}/metrics`);
    expect(metrics.status).toBe(200);
  });
});
