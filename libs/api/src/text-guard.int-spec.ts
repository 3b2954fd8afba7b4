import { InProcessPlatform } from '../test/in-process-platform';

const TARIFF = {
  country_code: 'NL',
  party_id: 'EVC',
  currency: 'EUR',
  type: 'REGULAR',
  elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 }] }],
};

/**
 * NUL, other control characters and unpaired surrogates anywhere a request carries text: every
 * route answers 400 problem+json naming the place, never 500 (PostgreSQL's "invalid byte sequence
 * for encoding UTF8: 0x00"), never echoing the value, and nothing reaches the database or a station.
 */
describe('text the API refuses, on every kind of route', () => {
  jest.setTimeout(30_000);
  let platform: InProcessPlatform;

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: false });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const localList = { updateType: 'Differential', entries: [{ idToken: 'A', status: 'Accepted' }, { idToken: 'B', status: 'Accepted' }, { idToken: 'C\u0000', status: 'Accepted' }] };
  it.each([
    ['a station id in a path', 'GET', '/api/v1/stations/CP%00X', undefined, 'path.id', 'U+0000'],
    ['a station id in a command path', 'POST', '/api/v1/stations/CP%00X/commands/reset', {}, 'path.id', 'U+0000'],
    ['a station id in a local list path', 'GET', '/api/v1/stations/CP%00X/local-list', undefined, 'path.id', 'U+0000'],
    ['a tariff id', 'GET', '/api/v1/tariffs/T%00', undefined, 'path.id', 'U+0000'],
    ['a connection station id', 'GET', '/api/v1/connections/CP%00', undefined, 'path.stationId', 'U+0000'],
    ['a command id', 'GET', '/api/v1/commands/%00', undefined, 'path.commandId', 'U+0000'],
    ['an api key id', 'DELETE', '/api/v1/api-keys/k%00', undefined, 'path.id', 'U+0000'],
    ['stationId on sessions', 'GET', '/api/v1/sessions?stationId=CP%00', undefined, 'query.stationId', 'U+0000'],
    ['stationId on CDRs', 'GET', '/api/v1/cdrs?stationId=CP%00', undefined, 'query.stationId', 'U+0000'],
    ['stationId on reservations', 'GET', '/api/v1/reservations?stationId=CP%00', undefined, 'query.stationId', 'U+0000'],
    ['stationId on tariff assignments', 'GET', '/api/v1/tariff-assignments?stationId=CP%00', undefined, 'query.stationId', 'U+0000'],
    ['a tab in a filter', 'GET', '/api/v1/sessions?stationId=CP%09X', undefined, 'query.stationId', 'U+0009'],
    ['a repeated query parameter', 'GET', '/api/v1/sessions?stationId=A&stationId=B%00', undefined, 'query.stationId[1]', 'U+0000'],
    ['a measurand filter', 'GET', '/api/v1/sessions/00000000-0000-0000-0000-000000000000/meter-values?measurand=%01', undefined, 'query.measurand', 'U+0001'],
    ['a token idToken', 'POST', '/api/v1/tokens', { idToken: 'TAG\u0000', type: 'ISO14443', status: 'Accepted' }, 'body.idToken', 'U+0000'],
    ['a token groupId', 'POST', '/api/v1/tokens', { idToken: 'TAG', type: 'ISO14443', status: 'Accepted', groupId: 'G\u0000' }, 'body.groupId', 'U+0000'],
    ['a newline in an idToken', 'POST', '/api/v1/tokens', { idToken: 'TAG\n', type: 'ISO14443', status: 'Accepted' }, 'body.idToken', 'U+000A'],
    ['an api key name', 'POST', '/api/v1/api-keys', { name: 'ops\u0000', scopes: ['read'] }, 'body.name', 'U+0000'],
    ['tariff alt text', 'POST', '/api/v1/tariffs', { ...TARIFF, tariff_alt_text: [{ language: 'en', text: 'cheap\u0000' }] }, 'body.tariff_alt_text[0].text', 'U+0000'],
    ['a bell in free text', 'POST', '/api/v1/tariffs', { ...TARIFF, tariff_alt_text: [{ language: 'en', text: 'ding\u0007' }] }, 'body.tariff_alt_text[0].text', 'U+0007'],
    ['a reservation idToken', 'POST', '/api/v1/stations/CP-1/reservations', { idToken: 'T\u0000', evseId: 1 }, 'body.idToken', 'U+0000'],
    ['a local list entry', 'PUT', '/api/v1/stations/CP-1/local-list', localList, 'body.entries[2].idToken', 'U+0000'],
    ['a command body', 'POST', '/api/v1/stations/CP-1/commands/data-transfer', { vendorId: 'acme', data: 'x\u0000' }, 'body.data', 'U+0000'],
    ['an unpaired high surrogate', 'POST', '/api/v1/stations/CP-1/commands/data-transfer', { vendorId: 'acme', data: 'x\ud800' }, 'body.data', 'unpaired UTF-16 surrogate'],
    ['an unpaired low surrogate in an id', 'POST', '/api/v1/tokens', { idToken: '\udc00', type: 'ISO14443', status: 'Accepted' }, 'body.idToken', 'unpaired UTF-16 surrogate'],
    ['a property name', 'POST', '/api/v1/stations/CP-1/commands/data-transfer', { vendorId: 'acme', 'x\u0000': 1 }, 'body (a property name)', 'U+0000'],
  ])('refuses %s with 400 naming the place', async (_what, method, path, body, place, reason) => {
    const response = await platform.call(method, path, body === undefined ? {} : { body });
    expect(response.status).toBe(400);
    expect(response.type).toContain('application/problem+json');
    expect(response.body.errors).toEqual([{ path: place, message: expect.stringContaining(reason) }]);
    expect(response.body.detail).toContain(place);
    // The offending value is not echoed back.
    expect(JSON.stringify(response.body)).not.toMatch(/\\u0000|\\ud800|\\udc00|CP\\u0000X|TAG\\n|cheap|ding/);
  });

  it('names every bad place of one request', async () => {
    const response = await platform.call('POST', '/api/v1/tokens', { body: { idToken: 'A\u0000', type: 'ISO14443', status: 'Accepted', groupId: 'G\u0001' } });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(['body.idToken', 'body.groupId']);
  });

  it('lets tab, newline and carriage return through in free text, and stores them', async () => {
    const created = await platform.call('POST', '/api/v1/tariffs', { body: { ...TARIFF, tariff_alt_text: [{ language: 'en', text: 'line one\r\n\tline two' }] } });
    expect(created.status).toBe(201);
    const read = await platform.call('GET', `/api/v1/tariffs/${created.body.id}`);
    expect(read.body.tariff_alt_text ?? read.body.document?.tariff_alt_text).toEqual([{ language: 'en', text: 'line one\r\n\tline two' }]);
  });

  it('keeps surrogate pairs (emoji) and other scripts intact', async () => {
    const created = await platform.call('POST', '/api/v1/tokens', { body: { idToken: 'Zoë-⚡-😀', type: 'ISO14443', status: 'Accepted' } });
    expect(created.status).toBe(201);
    expect((await platform.call('GET', `/api/v1/tokens/${created.body.id}`)).body.idToken).toBe('Zoë-⚡-😀');
  });

  it.each([
    ['a date before PostgreSQL\'s range in a filter', '/api/v1/sessions?from=-010000-01-01T00:00:00Z'],
    ['NUL hidden in an opaque cursor', `/api/v1/stations?cursor=${Buffer.from(JSON.stringify({ id: 'CP\u0000' })).toString('base64url')}`],
  ])('answers %s (a value PostgreSQL refuses) with 400, not 500', async (_what, path) => {
    const response = await platform.call('GET', path);
    expect(response.status).toBe(400);
    expect(response.body.detail).toBe('A value in the request cannot be stored or compared');
  });

  it('answers a reservation on an EVSE id beyond PostgreSQL integers with 400, and sends nothing', async () => {
    const cp = await platform.connectStation('CP-HUGE-EVSE', 'ocpp1.6');
    const response = await platform.call('POST', '/api/v1/stations/CP-HUGE-EVSE/reservations', {
      body: { idToken: 'TAG', evseId: 2 ** 40, expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(response.status).toBe(400);
    expect(cp.received.filter((frame) => Array.isArray(frame) && frame[0] === 2)).toEqual([]);
  });

  it('authenticates first: without a key the answer is 401, whatever the text', async () => {
    expect((await platform.call('GET', '/api/v1/sessions?stationId=CP%00', { key: null })).status).toBe(401);
  });

  it.each([
    ['an encoded surrogate in a path', '/api/v1/stations/CP%ED%A0%80'],
    ['invalid UTF-8 in a path', '/api/v1/stations/CP%FF'],
  ])('answers %s with 400', async (_what, path) => {
    expect((await platform.call('GET', path)).status).toBe(400);
  });

  it.each([
    ['an encoded surrogate in a query', '/api/v1/sessions?stationId=CP%ED%A0%80'],
    ['invalid UTF-8 in a query', '/api/v1/sessions?stationId=CP%FF'],
  ])('reads %s as text that matches nothing (the query parser keeps what it cannot decode)', async (_what, path) => {
    const response = await platform.call('GET', path);
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([]);
  });
});
