import { randomUUID } from 'node:crypto';
import { StationEntity } from '@evcsms/data-access';
import { SESSIONS_TOPICS } from '@evcsms/sessions';
import { waitFor } from '@evcsms/testing';
import { InProcessPlatform, type ApiResponse } from '../test/in-process-platform';
import { ResponseChecker, type OpenApiDocument } from '../test/openapi-contract';

/** 0.30 EUR/kWh + 21 % VAT and a 0.50 EUR session fee: the tariff these stories assign. */
const TARIFF = {
  country_code: 'NL',
  party_id: 'EVC',
  currency: 'EUR',
  type: 'REGULAR',
  elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 }, { type: 'FLAT', price: 0.5, vat: 21, step_size: 1 }] }],
};

describe('billing API over real HTTP: tariffs, assignments, CDRs and statements', () => {
  jest.setTimeout(30_000);
  let platform: InProcessPlatform;

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: false, withBilling: true });
    await platform.dataSource.getRepository(StationEntity).insert([{ id: 'CP-BILL-1' }, { id: 'CP-BILL-2' }]);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const call = (method: string, path: string, body?: unknown, key?: string | null): Promise<ApiResponse> =>
    platform.call(method, path, { ...(body !== undefined ? { body } : {}), ...(key !== undefined ? { key } : {}) });

  /** A finished 1.6 session as the sessions service publishes it: started, one update, ended. */
  async function finishedSession(stationId: string, idToken: string, day: string, energyWh: number, options: { corrected?: number } = {}): Promise<string> {
    const sessionId = randomUUID();
    const snapshot = {
      sessionId,
      stationId,
      evseId: 1,
      connectorId: 1,
      protocol: 'ocpp1.6',
      transactionId: String(Math.floor(Math.random() * 1e9)),
      idToken,
      idTokenType: 'ISO14443',
      status: 'active',
      startedAt: `${day}T10:00:00.000Z`,
      endedAt: null,
      energyWh: 0,
      meterReadAt: `${day}T10:00:00.000Z`,
      meterStartWh: 0,
      meterStopWh: null,
      stopReason: null,
      flags: [],
    };
    const ended = (energy: number, endedAt: string, occurredAt: string, correction: boolean) => ({
      eventId: randomUUID(),
      type: 'session-ended',
      stationId,
      occurredAt,
      correction,
      session: { ...snapshot, status: 'completed', endedAt, energyWh: energy, meterReadAt: endedAt, meterStopWh: energy, stopReason: 'Local' },
    });
    const events: unknown[] = [
      { eventId: randomUUID(), type: 'session-started', stationId, occurredAt: snapshot.startedAt, session: snapshot },
      { eventId: randomUUID(), type: 'session-updated', stationId, occurredAt: `${day}T10:30:00.000Z`, session: { ...snapshot, energyWh: Math.floor(energyWh / 2), meterReadAt: `${day}T10:30:00.000Z` } },
      ended(energyWh, `${day}T11:00:00.000Z`, `${day}T11:00:00.000Z`, false),
      ...(options.corrected !== undefined ? [ended(options.corrected, `${day}T11:30:00.000Z`, `${day}T12:00:00.000Z`, true)] : []),
    ];
    await platform.bus.publish(SESSIONS_TOPICS.sessionEvents, events.map((event) => ({ key: stationId, value: JSON.stringify(event) })));
    const expected = options.corrected !== undefined ? 3 : 1;
    await waitFor(async () => (await call('GET', `/api/v1/cdrs?sessionId=${sessionId}`)).body.items.length === expected, { description: `the CDRs of session ${sessionId}` });
    return sessionId;
  }

  describe('tariffs', () => {
    it('creates an OCPI tariff with an assigned id, reads it back, and adds a version', async () => {
      const created = await call('POST', '/api/v1/tariffs', TARIFF);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ ...TARIFF, id: expect.stringMatching(/^[0-9a-f-]{36}$/), version: 1, last_updated: expect.any(String) });

      const next = await call('POST', `/api/v1/tariffs/${created.body.id}/versions`, { ...TARIFF, elements: [{ price_components: [{ type: 'ENERGY', price: 0.35, vat: 21, step_size: 1 }] }] });
      expect(next.status).toBe(201);
      expect(next.body).toMatchObject({ id: created.body.id, version: 2, start_date_time: expect.any(String) });

      const read = await call('GET', `/api/v1/tariffs/${created.body.id}`);
      expect(read.body).toMatchObject({ id: created.body.id, version: 2, elements: [{ price_components: [{ price: 0.35 }] }] });
      expect(read.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      expect((await call('GET', `/api/v1/tariffs/${created.body.id}/versions/1`)).body).toMatchObject({ version: 1, elements: TARIFF.elements });
      const listed = await call('GET', '/api/v1/tariffs');
      expect(listed.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: created.body.id, version: 2 })]));
    });

    it('answers 400 problem+json listing every problem with a JSON Pointer', async () => {
      const invalid = await call('POST', '/api/v1/tariffs', { currency: 'EURO', elements: [{ price_components: [{ type: 'KWH', price: -1, step_size: 1 }] }] });
      expect(invalid.status).toBe(400);
      expect(invalid.type).toContain('application/problem+json');
      const paths = invalid.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['/currency', '/elements/0/price_components/0/type']));
      expect((await call('POST', '/api/v1/tariffs', [TARIFF])).status).toBe(400);
      expect((await call('POST', '/api/v1/tariffs', { ...TARIFF, version: 3 })).body.errors).toEqual([{ path: '/version', message: expect.stringContaining('version 1') }]);
    });

    it('refuses a taken id, a version in another currency, and unknown tariffs', async () => {
      expect((await call('POST', '/api/v1/tariffs', { ...TARIFF, id: 'T-TAKEN' })).status).toBe(201);
      expect((await call('POST', '/api/v1/tariffs', { ...TARIFF, id: 'T-TAKEN' })).status).toBe(409);
      const otherCurrency = await call('POST', '/api/v1/tariffs/T-TAKEN/versions', { ...TARIFF, currency: 'USD' });
      expect(otherCurrency.status).toBe(400);
      expect(otherCurrency.body.errors).toEqual([{ path: '/currency', message: expect.stringContaining('EUR') }]);
      expect((await call('POST', '/api/v1/tariffs/NO-SUCH/versions', TARIFF)).status).toBe(404);
      expect((await call('GET', '/api/v1/tariffs/NO-SUCH')).status).toBe(404);
    });

    it('assigns a tariff to a station and to other scopes, validating the target', async () => {
      await call('POST', '/api/v1/tariffs', { ...TARIFF, id: 'T-ASSIGN' });
      const assigned = await call('PUT', '/api/v1/stations/CP-BILL-2/tariff', { tariffId: 'T-ASSIGN' });
      expect(assigned.status).toBe(200);
      expect(assigned.body).toMatchObject({ scope: 'station', stationId: 'CP-BILL-2', tariffId: 'T-ASSIGN', effectiveFrom: null });
      expect((await call('GET', '/api/v1/stations/CP-BILL-2/tariff')).body).toMatchObject({ tariffId: 'T-ASSIGN' });
      expect((await call('PUT', '/api/v1/stations/NOT-A-STATION/tariff', { tariffId: 'T-ASSIGN' })).status).toBe(404);
      expect((await call('PUT', '/api/v1/stations/CP-BILL-2/tariff', { tariffId: 'NO-SUCH' })).body.errors).toEqual([{ path: '/tariffId', message: expect.any(String) }]);

      const group = await call('POST', '/api/v1/tariff-assignments', { scope: 'token-group', tokenGroup: 'RESIDENTS', tariffId: 'T-ASSIGN' });
      expect(group.status).toBe(201);
      expect(group.body).toMatchObject({ scope: 'token-group', tokenGroup: 'RESIDENTS', stationId: null });
      const incomplete = await call('POST', '/api/v1/tariff-assignments', { scope: 'connector', stationId: 'CP-BILL-2', tariffId: 'T-ASSIGN', tokenGroup: 'X' });
      expect(incomplete.status).toBe(400);
      expect(incomplete.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/connectorId', '/evseId', '/tokenGroup']);
      const listed = await call('GET', '/api/v1/tariff-assignments?tariffId=T-ASSIGN');
      expect(listed.body.items.map((a: { scope: string }) => a.scope)).toEqual(['token-group', 'station']);
    });

    it('needs the operate scope to write tariffs and a key to read them', async () => {
      const readKey = (await call('POST', '/api/v1/api-keys', { name: 'billing-reader', scopes: ['read'] })).body.key as string;
      expect((await call('POST', '/api/v1/tariffs', TARIFF, readKey)).status).toBe(403);
      expect((await call('PUT', '/api/v1/stations/CP-BILL-1/tariff', { tariffId: 'T-TAKEN' }, readKey)).status).toBe(403);
      expect((await call('GET', '/api/v1/tariffs', undefined, readKey)).status).toBe(200);
      for (const path of ['/api/v1/tariffs', '/api/v1/cdrs', '/api/v1/statements?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z']) {
        expect((await call('GET', path, undefined, null)).status).toBe(401);
      }
    });
  });

  describe('CDRs and statements', () => {
    let sessions: string[];

    beforeAll(async () => {
      expect((await call('POST', '/api/v1/tariffs', { ...TARIFF, id: 'T-STATEMENT' })).status).toBe(201);
      expect((await call('PUT', '/api/v1/stations/CP-BILL-1/tariff', { tariffId: 'T-STATEMENT' })).status).toBe(200);
      expect((await call('POST', '/api/v1/tokens', { idToken: 'DRIVER-A', type: 'ISO14443', status: 'Accepted', groupId: 'FLEET' })).status).toBe(201);
      expect((await call('POST', '/api/v1/tokens', { idToken: 'DRIVER-B', type: 'ISO14443', status: 'Accepted' })).status).toBe(201);
      sessions = [
        await finishedSession('CP-BILL-1', 'DRIVER-A', '2026-10-05', 10_000),
        await finishedSession('CP-BILL-1', 'DRIVER-A', '2026-10-06', 3_333),
        await finishedSession('CP-BILL-1', 'DRIVER-B', '2026-10-07', 7_777, { corrected: 9_000 }),
      ];
    });

    it('lists the CDRs of a session and shows one with its charging periods', async () => {
      const list = await call('GET', `/api/v1/cdrs?sessionId=${sessions[0]}`);
      expect(list.body.nextCursor).toBeNull();
      const [cdr] = list.body.items;
      // 10 kWh x 0.30 = 3.00 + 0.63 VAT; fee 0.50 + 0.105 -> 0.11 VAT.
      expect(cdr).toMatchObject({ sessionId: sessions[0], stationId: 'CP-BILL-1', currency: 'EUR', totalEnergyWh: 10_000, totalCost: { exclVat: '3.50', inclVat: '4.24' }, credit: false });
      const detail = await call('GET', `/api/v1/cdrs/${cdr.id}`);
      expect(detail.body).toEqual(cdr);
      expect(detail.body.chargingPeriods.length).toBeGreaterThan(0);
      expect(detail.body.chargingPeriods[0]).toMatchObject({ start_date_time: '2026-10-05T10:00:00.000Z', tariff_id: 'T-STATEMENT', dimensions: expect.any(Array) });
      expect((await call('GET', `/api/v1/cdrs/${randomUUID()}`)).status).toBe(404);
      expect((await call('GET', '/api/v1/cdrs/not-a-uuid')).status).toBe(404);
      expect((await call('GET', '/api/v1/cdrs?sessionId=nope')).status).toBe(400);
    });

    it('pages through CDRs of a station in a period, newest first', async () => {
      const first = await call('GET', '/api/v1/cdrs?stationId=CP-BILL-1&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&limit=2');
      expect(first.body.items).toHaveLength(2);
      const second = await call('GET', `/api/v1/cdrs?stationId=CP-BILL-1&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&limit=2&cursor=${first.body.nextCursor}`);
      const third = await call('GET', `/api/v1/cdrs?stationId=CP-BILL-1&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&limit=2&cursor=${second.body.nextCursor}`);
      const all = [...first.body.items, ...second.body.items, ...third.body.items];
      expect(third.body.nextCursor).toBeNull();
      // Three debits, one credit: the corrected session has original, credit and replacement.
      expect(all).toHaveLength(5);
      expect(new Set(all.map((c: { id: string }) => c.id)).size).toBe(5);
      const issued = all.map((c: { issuedAt: string }) => c.issuedAt);
      expect([...issued].sort().reverse()).toEqual(issued);
    });

    it('replaces a corrected CDR with a credit and a new debit', async () => {
      const corrected = await call('GET', `/api/v1/cdrs?sessionId=${sessions[2]}`);
      const debit = corrected.body.items.find((c: { replacesCdrId: string | null }) => c.replacesCdrId !== null);
      // 9 kWh x 0.30 = 2.70 + 0.567 -> 0.57 VAT; fee 0.50 + 0.11.
      expect(debit.totalCost).toEqual({ exclVat: '3.20', inclVat: '3.88' });
      const credit = corrected.body.items.find((c: { credit: boolean }) => c.credit);
      // 7.777 kWh x 0.30 = 2.3331 -> 2.33, VAT 0.489951 -> 0.49; fee 0.50 + 0.11.
      expect(credit.totalCost).toEqual({ exclVat: '-2.83', inclVat: '-3.43' });
    });

    it('exports statements per token and per group whose totals are the sums of their CDRs to the cent', async () => {
      const period = 'from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z';
      const cdrs = (await call('GET', `/api/v1/cdrs?stationId=CP-BILL-1&${period}&limit=500`)).body.items as Array<{ tokenUid: string; totalCost: { exclVat: string; inclVat: string } }>;
      const cents = (text: string) => Math.round(Number(text) * 100);
      const sumFor = (token: string) => cdrs.filter((c) => c.tokenUid === token).reduce((acc, c) => [acc[0]! + cents(c.totalCost.exclVat), acc[1]! + cents(c.totalCost.inclVat)], [0, 0]);

      const byToken = await call('GET', `/api/v1/statements?groupBy=token&${period}`);
      expect(byToken.status).toBe(200);
      const totals = byToken.body.groups.map((g: { key: string; totals: { cdrCount: number; cost: { exclVat: string; inclVat: string } } }) => [
        g.key,
        g.totals.cdrCount,
        cents(g.totals.cost.exclVat),
        cents(g.totals.cost.inclVat),
      ]);
      // A: 3.50/4.24 and 3.333 kWh x 0.30 = 0.9999 -> 1.00 + 0.21; fee 0.50 + 0.11 -> 1.50/1.82.
      expect(totals).toEqual([
        ['DRIVER-A', 2, ...sumFor('DRIVER-A')],
        ['DRIVER-B', 3, ...sumFor('DRIVER-B')],
      ]);
      expect(totals).toEqual([
        ['DRIVER-A', 2, 500, 606],
        ['DRIVER-B', 3, 320, 388],
      ]);

      const byGroup = await call('GET', `/api/v1/statements?groupBy=group&${period}`);
      expect(byGroup.body.groups.map((g: { key: string | null }) => g.key)).toEqual(['FLEET', null]);

      const csv = await call('GET', `/api/v1/statements?groupBy=token&${period}&format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.type).toContain('text/csv');
      const lines = (csv.body as string).trim().split('\r\n');
      expect(lines[0]).toBe('group,currency,record,cdr_id,credit_reference_id,replaces_cdr_id,session_id,station_id,token_uid,token_group,start_date_time,end_date_time,issued_at,energy_kwh,cost_excl_vat,cost_incl_vat');
      const csvTotals = lines.filter((line) => line.split(',')[2] === 'TOTAL').map((line) => line.split(',').slice(-2));
      expect(csvTotals).toEqual([
        ['5.00', '6.06'],
        ['3.20', '3.88'],
      ]);
      expect(lines).toHaveLength(1 + 5 + 2);
    });

    it('validates the statement request', async () => {
      expect((await call('GET', '/api/v1/statements?groupBy=token')).status).toBe(400);
      expect((await call('GET', '/api/v1/statements?groupBy=site&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z')).status).toBe(400);
      expect((await call('GET', '/api/v1/statements?from=2026-11-01T00:00:00Z&to=2026-10-01T00:00:00Z')).status).toBe(400);
      expect((await call('GET', '/api/v1/statements?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&format=xml')).status).toBe(400);
    });

    it('documents the billing routes in OpenAPI', async () => {
      const response = await fetch(`http://127.0.0.1:${platform.api.port}/docs-json`);
      const document = (await response.json()) as { paths: Record<string, unknown> };
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/tariffs',
          '/api/v1/tariffs/{id}',
          '/api/v1/tariffs/{id}/versions',
          '/api/v1/stations/{id}/tariff',
          '/api/v1/tariff-assignments',
          '/api/v1/cdrs',
          '/api/v1/cdrs/{id}',
          '/api/v1/statements',
        ]),
      );
    });

    it('answers every billing route as its published schema says', async () => {
      const responses = new ResponseChecker((await call('GET', '/docs-json', undefined, null)).body as OpenApiDocument);
      const period = 'from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z';
      const cdrs = (await call('GET', `/api/v1/cdrs?${period}`)).body;
      expect(cdrs.items.length).toBeGreaterThan(0);
      responses.check('get', '/api/v1/cdrs', 200, cdrs);
      responses.check('get', '/api/v1/cdrs/{id}', 200, (await call('GET', `/api/v1/cdrs/${cdrs.items[0].id}`)).body);
      const statement = (await call('GET', `/api/v1/statements?groupBy=group&${period}`)).body;
      expect(statement.groups.length).toBeGreaterThan(0);
      responses.check('get', '/api/v1/statements', 200, statement);
      responses.check('get', '/api/v1/tariffs', 200, (await call('GET', '/api/v1/tariffs')).body);
      responses.check('get', '/api/v1/tariffs/{id}', 200, (await call('GET', '/api/v1/tariffs/T-STATEMENT')).body);
      responses.check('get', '/api/v1/tariffs/{id}/versions/{version}', 200, (await call('GET', '/api/v1/tariffs/T-STATEMENT/versions/1')).body);
      responses.check('post', '/api/v1/tariffs', 201, (await call('POST', '/api/v1/tariffs', { ...TARIFF, id: 'T-SCHEMA' })).body);
      responses.check('put', '/api/v1/stations/{id}/tariff', 200, (await call('PUT', '/api/v1/stations/CP-BILL-2/tariff', { tariffId: 'T-SCHEMA' })).body);
      responses.check('get', '/api/v1/stations/{id}/tariff', 200, (await call('GET', '/api/v1/stations/CP-BILL-2/tariff')).body);
      responses.check('post', '/api/v1/tariff-assignments', 201, (await call('POST', '/api/v1/tariff-assignments', { scope: 'site', siteId: 'SITE-SCHEMA', tariffId: 'T-SCHEMA' })).body);
      responses.check('get', '/api/v1/tariff-assignments', 200, (await call('GET', '/api/v1/tariff-assignments')).body);
    });
  });
});
