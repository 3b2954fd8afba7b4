import { RawOcppClient, refusal, waitFor } from '@evcsms/testing';
import { InProcessPlatform, type ApiResponse } from '../../test/in-process-platform';

const basic = (stationId: string, password: string): Record<string, string> => ({ Authorization: `Basic ${Buffer.from(`${stationId}:${password}`).toString('base64')}` });
const OVER_TLS = { 'X-Forwarded-Proto': 'https' };

/**
 * Sites and managed stations through the API, with real WebSocket stations against a gateway
 * that reads credentials from PostgreSQL under the production policy (unknown stations and
 * profile 0 refused; 127.0.0.1 is a trusted TLS-terminating proxy, so X-Forwarded-Proto: https
 * stands for a TLS connection).
 */
describe('station lifecycle: sites, provisioning, rotation, profiles, deletion', () => {
  jest.setTimeout(60_000);
  let platform: InProcessPlatform;

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: true, stationAuth: 'production' });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const call = (method: string, path: string, body?: unknown): Promise<ApiResponse> => platform.call(method, path, body === undefined ? {} : { body });
  const connect = (stationId: string, protocol: 'ocpp1.6' | 'ocpp2.0.1', headers: Record<string, string>) => platform.connectStation(stationId, protocol, headers);
  const refused = (stationId: string, headers: Record<string, string>) => refusal(RawOcppClient.connect(platform.ocppUrl(stationId), { protocols: ['ocpp1.6'], headers }));
  const provisioning = async (stationId: string) => (await call('GET', `/api/v1/stations/${stationId}/provisioning`)).body;

  function expectProblem(response: ApiResponse, status: number, path?: string): void {
    expect(response.status).toBe(status);
    expect(response.type).toContain('application/problem+json');
    if (path) expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  }

  async function provision(stationId: string, password: string, extra: Record<string, unknown> = {}): Promise<void> {
    const created = await call('POST', '/api/v1/stations', { id: stationId, securityProfile: 1, password, ...extra });
    expect(created.status).toBe(201);
  }

  async function boot(stationId: string, protocol: 'ocpp1.6' | 'ocpp2.0.1', password: string): Promise<RawOcppClient> {
    const client = await connect(stationId, protocol, basic(stationId, password));
    const payload = protocol === 'ocpp1.6' ? { chargePointVendor: 'Acme', chargePointModel: 'AC22' } : { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC150' } };
    expect(await client.call('b', 'BootNotification', payload, 5_000)).toEqual([3, 'b', expect.objectContaining({ status: 'Accepted' })]);
    return client;
  }

  /** Sends an API request while the station answers the one CALL it causes. */
  async function withAnswer(client: RawOcppClient, action: string, answer: Record<string, unknown>, request: () => Promise<ApiResponse>) {
    const pending = request();
    const received = await client.expectCall(action, 5_000);
    client.sendFrame([3, received[1], answer]);
    return { received: received[3], response: await pending };
  }

  describe('sites', () => {
    it('creates a site with a generated id, reads, changes and lists it', async () => {
      const created = await call('POST', '/api/v1/sites', { name: 'Depot North', timeZone: 'Europe/Berlin', gridConnection: { phases: 3, maxCurrentA: 63 } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Depot North', timeZone: 'Europe/Berlin', gridConnection: { phases: 3, maxCurrentA: 63 }, coordinates: null, tags: [] });
      const changed = await call('PATCH', `/api/v1/sites/${created.body.id}`, { name: 'Depot N', coordinates: { latitude: 52.52, longitude: 13.405 }, address: { street: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DEU' } });
      expect(changed.status).toBe(200);
      expect((await call('GET', `/api/v1/sites/${created.body.id}`)).body).toMatchObject({ name: 'Depot N', coordinates: { latitude: 52.52, longitude: 13.405 }, address: { country: 'DEU' }, gridConnection: { phases: 3 } });
      expect((await call('GET', '/api/v1/sites?limit=500')).body.items.map((site: { id: string }) => site.id)).toContain(created.body.id);
    });

    it.each([
      ['an invalid time zone', { name: 'X', timeZone: 'Mars/Olympus_Mons' }, '/timeZone'],
      ['a zone abbreviation', { name: 'X', timeZone: 'CET' }, '/timeZone'],
      ['a latitude out of range', { name: 'X', timeZone: 'UTC', coordinates: { latitude: 91, longitude: 0 } }, '/coordinates/latitude'],
      ['a longitude out of range', { name: 'X', timeZone: 'UTC', coordinates: { latitude: 0, longitude: -181 } }, '/coordinates/longitude'],
      ['an alpha-2 country', { name: 'X', timeZone: 'UTC', address: { street: 'a', city: 'b', country: 'DE' } }, '/address/country'],
      ['single-phase-and-a-half', { name: 'X', timeZone: 'UTC', gridConnection: { phases: 2 } }, '/gridConnection/phases'],
    ])('refuses %s with a problem naming the field', async (_what, body, path) => {
      expectProblem(await call('POST', '/api/v1/sites', body), 400, path);
    });

    it('refuses a duplicate id with 409, and deleting a site that has stations with 409 until it is empty', async () => {
      expect((await call('POST', '/api/v1/sites', { id: 'SITE-DEL', name: 'To delete', timeZone: 'UTC' })).status).toBe(201);
      expectProblem(await call('POST', '/api/v1/sites', { id: 'SITE-DEL', name: 'Again', timeZone: 'UTC' }), 409);
      await provision('CP-IN-SITE', 'in-site-password-0001', { siteId: 'SITE-DEL' });
      const refusedDelete = await call('DELETE', '/api/v1/sites/SITE-DEL');
      expectProblem(refusedDelete, 409);
      expect(refusedDelete.body).toMatchObject({ stations: 1 });
      expect((await call('PATCH', '/api/v1/stations/CP-IN-SITE', { siteId: null })).body).toMatchObject({ siteId: null });
      expect((await call('DELETE', '/api/v1/sites/SITE-DEL')).status).toBe(204);
      expectProblem(await call('GET', '/api/v1/sites/SITE-DEL'), 404);
    });
  });

  describe('provisioning', () => {
    it.each([
      ['an unknown site', { id: 'CP-BAD-1', securityProfile: 1, password: 'good-password-00001', siteId: 'NO-SUCH-SITE' }, '/siteId'],
      ['a 15-character password', { id: 'CP-BAD-2', securityProfile: 1, password: 'x'.repeat(15) }, '/password'],
      ['a 41-character password', { id: 'CP-BAD-3', securityProfile: 1, password: 'x'.repeat(41) }, '/password'],
      ['a password with a space', { id: 'CP-BAD-4', securityProfile: 1, password: 'has a space in it 1' }, '/password'],
      ['profile 1 without a password', { id: 'CP-BAD-5', securityProfile: 1 }, '/password'],
      ['profile 3 with a password', { id: 'CP-BAD-6', securityProfile: 3, password: 'good-password-00001' }, '/password'],
      ['profile 0 where the deployment refuses it', { id: 'CP-BAD-7', securityProfile: 0 }, '/securityProfile'],
      ['an id the gateway would not accept', { id: 'CP BAD', securityProfile: 3 }, '/id'],
    ])('refuses %s with 400 and writes nothing', async (_what, body, path) => {
      expectProblem(await call('POST', '/api/v1/stations', body), 400, path);
      expectProblem(await call('GET', `/api/v1/stations/${encodeURIComponent(body.id)}/provisioning`), 404);
    });

    it('provisions a station that then connects only with its password; a duplicate id is 409; the password is never returned or logged', async () => {
      // Installed before it was provisioned: refused (and remembered by the gateway's credential cache)...
      expect((await refused('CP-PROV', basic('CP-PROV', 'first-secret-password'))).status).toBe(401);
      expect((await call('POST', '/api/v1/sites', { id: 'SITE-PROV', name: 'Provisioning', timeZone: 'Europe/Paris' })).status).toBe(201);
      const created = await call('POST', '/api/v1/stations', { id: 'CP-PROV', siteId: 'SITE-PROV', securityProfile: 1, password: 'first-secret-password', vendor: 'Acme', tags: ['dc', 'fast'] });
      expect(created.status).toBe(201);
      expect(created.body).toEqual(
        expect.objectContaining({ id: 'CP-PROV', siteId: 'SITE-PROV', securityProfile: 1, pendingSecurityProfile: null, hasPassword: true, passwordRotationPending: false, tags: ['dc', 'fast'] }),
      );
      expect(JSON.stringify(created.body)).not.toMatch(/first-secret-password|scrypt/);
      expectProblem(await call('POST', '/api/v1/stations', { id: 'CP-PROV', securityProfile: 1, password: 'other-secret-password' }), 409);

      expect((await refused('CP-PROV', basic('CP-PROV', 'wrong-password-000000'))).status).toBe(401);
      expect((await refused('CP-PROV', {})).status).toBe(401);
      // ...but provisioning reaches every gateway pod, so it gets in at once.
      await boot('CP-PROV', 'ocpp1.6', 'first-secret-password');
      // Presence is applied in batches, after the BootNotification may have been answered.
      await waitFor(async () => (await call('GET', '/api/v1/stations/CP-PROV')).body.online === true, { description: 'CP-PROV online', timeoutMs: 5_000 });
      const logs = JSON.stringify([...platform.apiLogs, ...platform.gatewayLogs]);
      expect(logs).not.toContain('first-secret-password');
    });

    it('lists stations by selector and by the shorthand filters', async () => {
      expect((await call('POST', '/api/v1/sites', { id: 'SITE-SEL', name: 'Selectors', timeZone: 'UTC' })).status).toBe(201);
      await provision('CP-SEL-A', 'selector-password-0001', { siteId: 'SITE-SEL', model: 'AC22', tags: ['ac'] });
      await provision('CP-SEL-B', 'selector-password-0002', { siteId: 'SITE-SEL', model: 'DC150', tags: ['dc', 'fast'] });
      await provision('CP-SEL-C', 'selector-password-0003', { model: 'AC22', tags: ['dc'] });
      const ids = async (query: string) => (await call('GET', `/api/v1/stations?limit=500&${query}`)).body.items.map((station: { id: string }) => station.id);
      expect(await ids('selector=site%3DSITE-SEL%2Cmodel%3DAC22')).toEqual(['CP-SEL-A']);
      expect(await ids(`selector=${encodeURIComponent('site=SITE-SEL,tag=dc|ac,model!=DC150')}`)).toEqual(['CP-SEL-A']);
      expect(await ids(`selector=${encodeURIComponent('tag=dc,site!=SITE-SEL')}`)).toContain('CP-SEL-C');
      expect(await ids(`selector=${encodeURIComponent('tag=dc,site!=SITE-SEL')}`)).not.toContain('CP-SEL-B');
      expect(await ids('siteId=SITE-SEL&tag=fast')).toEqual(['CP-SEL-B']);
      expect(await ids('siteId=SITE-SEL&model=DC150')).toEqual(['CP-SEL-B']);
      expectProblem(await call('GET', `/api/v1/stations?selector=${encodeURIComponent('colour=red')}`), 400);
    });
  });

  describe('credential rotation', () => {
    it('1.6: ChangeConfiguration AuthorizationKey with a generated password; the old one works until the new one is used, then never again', async () => {
      await provision('CP-ROT-16', 'old-password-16-0000');
      const cp = await boot('CP-ROT-16', 'ocpp1.6', 'old-password-16-0000');
      const rotated = await withAnswer(cp, 'ChangeConfiguration', { status: 'Accepted' }, () => call('POST', '/api/v1/stations/CP-ROT-16/credentials/rotate'));
      expect(rotated.response.status).toBe(200);
      const password = rotated.response.body.password as string;
      expect(rotated.response.body).toEqual({ status: 'Accepted', password: expect.stringMatching(/^[0-9a-f]{40}$/) });
      expect(rotated.received).toEqual({ key: 'AuthorizationKey', value: password });
      expect(await provisioning('CP-ROT-16')).toMatchObject({ passwordRotationPending: true });

      // The station has not reconnected yet: the old password still works (it replaces the connection).
      await connect('CP-ROT-16', 'ocpp1.6', basic('CP-ROT-16', 'old-password-16-0000'));
      await connect('CP-ROT-16', 'ocpp1.6', basic('CP-ROT-16', password));
      await waitFor(async () => (await provisioning('CP-ROT-16')).passwordRotationPending === false, { description: 'rotation confirmed', timeoutMs: 5_000 });
      expect((await refused('CP-ROT-16', basic('CP-ROT-16', 'old-password-16-0000'))).status).toBe(401);
      expect(JSON.stringify([...platform.apiLogs, ...platform.gatewayLogs])).not.toContain(password);
    });

    it('2.0.1: SetVariables SecurityCtrlr.BasicAuthPassword with a given password; a reboot before the station applies it never locks it out', async () => {
      await provision('CS-ROT-201', 'old-password-201-000');
      const cs = await boot('CS-ROT-201', 'ocpp2.0.1', 'old-password-201-000');
      const rotated = await withAnswer(cs, 'SetVariables', { setVariableResult: [{ attributeStatus: 'RebootRequired', component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] }, () =>
        call('POST', '/api/v1/stations/CS-ROT-201/credentials/rotate', { password: 'new-password-201-000' }),
      );
      expect(rotated.response.status).toBe(200);
      expect(rotated.response.body).toEqual({ status: 'Accepted' });
      expect(rotated.received).toEqual({
        setVariableData: [{ attributeType: 'Actual', attributeValue: 'new-password-201-000', component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }],
      });
      // It reboots, comes back with the old password (not applied yet), then with the new one.
      cs.terminate();
      await boot('CS-ROT-201', 'ocpp2.0.1', 'old-password-201-000');
      expect(await provisioning('CS-ROT-201')).toMatchObject({ passwordRotationPending: true });
      await boot('CS-ROT-201', 'ocpp2.0.1', 'new-password-201-000');
      await waitFor(async () => (await provisioning('CS-ROT-201')).passwordRotationPending === false, { description: 'rotation confirmed', timeoutMs: 5_000 });
      expect((await refused('CS-ROT-201', basic('CS-ROT-201', 'old-password-201-000'))).status).toBe(401);
    });

    it('keeps the old password when the station rejects the new one (409 with its status)', async () => {
      await provision('CP-ROT-NO', 'old-password-no-00000');
      const cp = await boot('CP-ROT-NO', 'ocpp1.6', 'old-password-no-00000');
      const rotated = await withAnswer(cp, 'ChangeConfiguration', { status: 'Rejected' }, () => call('POST', '/api/v1/stations/CP-ROT-NO/credentials/rotate', { password: 'refused-password-0000' }));
      expectProblem(rotated.response, 409);
      expect(rotated.response.body).toMatchObject({ stationStatus: 'Rejected' });
      expect(await provisioning('CP-ROT-NO')).toMatchObject({ passwordRotationPending: false });
      expect((await refused('CP-ROT-NO', basic('CP-ROT-NO', 'refused-password-0000'))).status).toBe(401);
      await connect('CP-ROT-NO', 'ocpp1.6', basic('CP-ROT-NO', 'old-password-no-00000'));
    });

    it('keeps the new password pending when the station received it and disconnected before answering (502, delivered)', async () => {
      await provision('CP-ROT-DROP', 'old-password-drop-000');
      const cp = await boot('CP-ROT-DROP', 'ocpp1.6', 'old-password-drop-000');
      const pending = call('POST', '/api/v1/stations/CP-ROT-DROP/credentials/rotate', { password: 'new-password-drop-000' });
      await cp.expectCall('ChangeConfiguration', 5_000);
      // It applied the key and reconnects with it, before it answered.
      cp.close();
      const response = await pending;
      expectProblem(response, 502);
      expect(response.body).toMatchObject({ delivered: true });
      expect(await provisioning('CP-ROT-DROP')).toMatchObject({ passwordRotationPending: true });
      await boot('CP-ROT-DROP', 'ocpp1.6', 'new-password-drop-000');
      await waitFor(async () => (await provisioning('CP-ROT-DROP')).passwordRotationPending === false, { description: 'rotation confirmed', timeoutMs: 5_000 });
    });

    it('queues the rotation for an offline station (202) without showing the password in the queued command', async () => {
      await provision('CP-ROT-OFF', 'old-password-off-0000');
      const cp = await boot('CP-ROT-OFF', 'ocpp1.6', 'old-password-off-0000');
      cp.close();
      await waitFor(async () => (await platform.registry.lookup('CP-ROT-OFF')) === undefined, { description: 'CP-ROT-OFF offline', timeoutMs: 5_000 });
      const queued = await call('POST', '/api/v1/stations/CP-ROT-OFF/credentials/rotate', { password: 'queued-password-00000' });
      expect(queued.status).toBe(202);
      expect(queued.body).toEqual({ status: 'Queued', commandId: expect.any(String) });
      const command = await call('GET', `/api/v1/commands/${queued.body.commandId}`);
      expect(JSON.stringify(command.body)).not.toContain('queued-password-00000');
      expect(command.body.payload).toEqual({ key: 'AuthorizationKey', value: '[hidden]' });
      // Back online with the old password, it gets the command; then it uses the new one.
      const back = await connect('CP-ROT-OFF', 'ocpp1.6', basic('CP-ROT-OFF', 'old-password-off-0000'));
      const delivered = await back.expectCall('ChangeConfiguration', 5_000);
      expect(delivered[3]).toEqual({ key: 'AuthorizationKey', value: 'queued-password-00000' });
      back.sendFrame([3, delivered[1], { status: 'Accepted' }]);
      await connect('CP-ROT-OFF', 'ocpp1.6', basic('CP-ROT-OFF', 'queued-password-00000'));
      await waitFor(async () => (await provisioning('CP-ROT-OFF')).passwordRotationPending === false, { description: 'rotation confirmed', timeoutMs: 5_000 });
    });

    it('refuses to rotate the password of a station without one (profile 3) with 409', async () => {
      expect((await call('POST', '/api/v1/stations', { id: 'CP-CERT', securityProfile: 3 })).status).toBe(201);
      expectProblem(await call('POST', '/api/v1/stations/CP-CERT/credentials/rotate'), 409);
      expectProblem(await call('POST', '/api/v1/stations/CP-CERT/credentials/rotate', { password: 'short' }), 400, '/password');
    });
  });

  describe('security profiles', () => {
    it('upgrades 1 -> 2 when the station connects over TLS; after that plain ws is refused and logged, and a downgrade through the API is 409', async () => {
      await provision('CP-UPGRADE', 'upgrade-password-0000');
      const upgraded = await call('PATCH', '/api/v1/stations/CP-UPGRADE', { securityProfile: 2 });
      expect(upgraded.body).toMatchObject({ securityProfile: 1, pendingSecurityProfile: 2 });
      // Until it has connected with profile 2, profile 1 still works.
      await connect('CP-UPGRADE', 'ocpp1.6', basic('CP-UPGRADE', 'upgrade-password-0000'));
      expect(await provisioning('CP-UPGRADE')).toMatchObject({ securityProfile: 1, pendingSecurityProfile: 2 });
      await connect('CP-UPGRADE', 'ocpp1.6', { ...basic('CP-UPGRADE', 'upgrade-password-0000'), ...OVER_TLS });
      await waitFor(async () => (await provisioning('CP-UPGRADE')).securityProfile === 2, { description: 'profile 2 reached', timeoutMs: 5_000 });
      expect(await provisioning('CP-UPGRADE')).toMatchObject({ pendingSecurityProfile: null });

      expect((await refused('CP-UPGRADE', basic('CP-UPGRADE', 'upgrade-password-0000'))).status).toBe(403);
      expect(platform.gatewayLogs).toContainEqual(expect.objectContaining({ msg: 'station refused', stationId: 'CP-UPGRADE', detail: expect.stringContaining('no downgrade') }));
      const downgrade = await call('PATCH', '/api/v1/stations/CP-UPGRADE', { securityProfile: 1 });
      expectProblem(downgrade, 409);
      expect(downgrade.body.detail).toContain('downgrade refused');
    });
  });

  describe('billing at a site', () => {
    it("prices a session with the site's tariff, its time restrictions read in the site's time zone", async () => {
      // 09:00-09:15 UTC is 22:00-22:15 in Auckland (NZDT, UTC+13): the night price, where UTC (the platform default) would say day.
      const tariff = {
        id: 'SITE-NIGHT-TARIFF',
        currency: 'NZD',
        elements: [
          { price_components: [{ type: 'ENERGY', price: 1.0, vat: 0, step_size: 1 }], restrictions: { start_time: '06:00', end_time: '20:00' } },
          { price_components: [{ type: 'ENERGY', price: 0.1, vat: 0, step_size: 1 }] },
        ],
      };
      expect((await call('POST', '/api/v1/tariffs', tariff)).status).toBe(201);
      expect((await call('POST', '/api/v1/sites', { id: 'SITE-AKL', name: 'Auckland', timeZone: 'Pacific/Auckland' })).status).toBe(201);
      expect((await call('POST', '/api/v1/tariff-assignments', { scope: 'site', siteId: 'SITE-AKL', tariffId: tariff.id })).status).toBe(201);
      await provision('CP-AKL', 'auckland-password-0000', { siteId: 'SITE-AKL' });
      expect((await call('POST', '/api/v1/tokens', { idToken: 'AKL-DRIVER', type: 'ISO14443', status: 'Accepted' })).status).toBe(201);
      const cp = await boot('CP-AKL', 'ocpp1.6', 'auckland-password-0000');

      const start = (await cp.call('s', 'StartTransaction', { connectorId: 1, idTag: 'AKL-DRIVER', meterStart: 0, timestamp: '2026-11-21T09:00:00Z' }, 5_000)) as [number, string, { transactionId: number }];
      const meter = { connectorId: 1, transactionId: start[2].transactionId, meterValue: [{ timestamp: '2026-11-21T09:15:00Z', sampledValue: [{ value: '1000', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] };
      expect(await cp.call('m', 'MeterValues', meter, 5_000)).toEqual([3, 'm', {}]);
      const sessionId = (await call('GET', '/api/v1/sessions?stationId=CP-AKL')).body.items[0].id;
      const priced = await waitFor(async () => {
        const body = (await call('GET', `/api/v1/sessions/${sessionId}`)).body;
        return body.cost ? body : undefined;
      }, { description: 'the live cost of the Auckland session', timeoutMs: 10_000 });
      // 1 kWh at the night price 0.10 (the day price would be 1.00).
      expect(priced).toMatchObject({ tariffId: tariff.id, currency: 'NZD', cost: { exclVat: '0.10' } });
    });
  });

  describe('deletion', () => {
    it("closes the deleted station's socket and refuses it afterwards; its sessions stay", async () => {
      await provision('CP-DELETE', 'delete-password-00000');
      const cp = await boot('CP-DELETE', 'ocpp1.6', 'delete-password-00000');
      expect((await call('POST', '/api/v1/tokens', { idToken: 'DELETE-DRIVER', type: 'ISO14443', status: 'Accepted' })).status).toBe(201);
      await cp.call('s', 'StartTransaction', { connectorId: 1, idTag: 'DELETE-DRIVER', meterStart: 0, timestamp: new Date().toISOString() }, 5_000);

      expect((await call('DELETE', '/api/v1/stations/CP-DELETE')).status).toBe(204);
      expect(await cp.closed).toMatchObject({ code: 1008 });
      expect((await refused('CP-DELETE', basic('CP-DELETE', 'delete-password-00000'))).status).toBe(401);
      expectProblem(await call('GET', '/api/v1/stations/CP-DELETE'), 404);
      expectProblem(await call('DELETE', '/api/v1/stations/CP-DELETE'), 404);
      expect((await call('GET', '/api/v1/sessions?stationId=CP-DELETE')).body.items).toHaveLength(1);

      // Provisioned again under its id, with new credentials: back, its history still there.
      await provision('CP-DELETE', 'second-life-password-0');
      expect((await refused('CP-DELETE', basic('CP-DELETE', 'delete-password-00000'))).status).toBe(401);
      await connect('CP-DELETE', 'ocpp1.6', basic('CP-DELETE', 'second-life-password-0'));
      expect((await call('GET', '/api/v1/sessions?stationId=CP-DELETE')).body.items).toHaveLength(1);
    });
  });
});
