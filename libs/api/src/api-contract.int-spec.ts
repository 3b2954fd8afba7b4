import { StationEntity, TransactionEntity } from '@evcsms/data-access';
import { ADMIN_KEY, InProcessPlatform, type ApiResponse } from '../test/in-process-platform';
import { operationsOf, resolve, ResponseChecker, type OpenApiDocument } from '../test/openapi-contract';
import { STATION_COMMANDS } from './commands/station-commands';

/** The contract a partner builds on: the OpenAPI document, and problem+json for every error. */
describe('API contract', () => {
  jest.setTimeout(30_000);
  let platform: InProcessPlatform;
  let document: OpenApiDocument;
  let responses: ResponseChecker;

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: false });
    document = (await platform.call('GET', '/docs-json', { key: null })).body as OpenApiDocument;
    responses = new ResponseChecker(document);
    await platform.dataSource.getRepository(StationEntity).insert([{ id: 'CP-CONTRACT', protocol: 'ocpp1.6', vendor: 'Acme', model: 'AC22', online: false }]);
    await platform.dataSource.getRepository(TransactionEntity).insert({
      stationId: 'CP-CONTRACT',
      evseId: 1,
      connectorId: 1,
      protocol: 'ocpp1.6',
      ocppTransactionId: '7',
      status: 'completed',
      startedAt: new Date('2026-11-01T10:00:00Z'),
      energyWh: '1234',
    });
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const call = (method: string, path: string, options: { key?: string | null; body?: unknown } = {}): Promise<ApiResponse> => platform.call(method, path, options);

  function expectProblem(response: ApiResponse, status: number): void {
    expect(response.status).toBe(status);
    expect(response.type).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
    responses.check('get', '/api/v1/stations', 400, response.body, 'application/problem+json');
  }

  describe('the OpenAPI document', () => {
    it('names its server and an opaque bearer key, not a JWT', () => {
      expect(document.servers).toEqual([{ url: '/' }]);
      const bearer = Object.values(document.components.securitySchemes ?? {})[0];
      expect(bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(JSON.stringify(bearer)).not.toContain('JWT');
    });

    it('publishes shared schemas in components', () => {
      expect(Object.keys(document.components.schemas ?? {})).toEqual(
        expect.arrayContaining(['Problem', 'Station', 'StationPage', 'Session', 'SessionPage', 'Token', 'TokenPage', 'Tariff', 'Cdr', 'Statement', 'Reservation', 'CommandAnswer', 'QueuedCommand']),
      );
    });

    it('gives every operation a summary, a typed 2xx answer and its problem responses', () => {
      const operations = operationsOf(document);
      expect(operations.length).toBeGreaterThan(35);
      const gaps: string[] = [];
      for (const [method, path, operation] of operations) {
        const name = `${method.toUpperCase()} ${path}`;
        if (!operation.summary) gaps.push(`${name}: no summary`);
        const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
        if (success.length === 0) gaps.push(`${name}: no 2xx response`);
        for (const [status, response] of success) {
          if (status === '204') continue;
          const schema = resolve(document, Object.values(response.content ?? {})[0]?.schema);
          if (!schema || (schema['type'] === 'object' && !schema['properties'] && !schema['additionalProperties'] && !schema['allOf'])) gaps.push(`${name}: ${status} is untyped`);
        }
        const problems = Object.entries(operation.responses).filter(([status]) => status.startsWith('4'));
        if (!problems.some(([status]) => status === '401')) gaps.push(`${name}: no 401`);
        for (const [status, response] of problems) {
          if (resolve(document, response.content?.['application/problem+json']?.schema) !== document.components.schemas?.['Problem']) gaps.push(`${name}: ${status} is not a Problem`);
        }
        if (['post', 'put', 'patch'].includes(method) && operation.requestBody) {
          const body = resolve(document, operation.requestBody.content['application/json']?.schema);
          // A body that is one of several payloads (the raw OCPP call) is typed by each of them.
          const alternatives = (body?.['anyOf'] as Array<Parameters<typeof resolve>[1]> | undefined)?.map((alternative) => resolve(document, alternative));
          const typed = alternatives ? alternatives.length > 0 && alternatives.every((alternative) => alternative?.['properties']) : body?.['properties'];
          if (!typed) gaps.push(`${name}: the request body is untyped`);
        }
      }
      expect(gaps).toEqual([]);
    });

    it('publishes each station command as its own operation with the schema that validates it', () => {
      for (const [command, definition] of Object.entries(STATION_COMMANDS)) {
        const operation = document.paths[`/api/v1/stations/{id}/commands/${command}`]?.['post'];
        expect(operation).toBeDefined();
        expect(resolve(document, operation!.requestBody?.content['application/json']?.schema)).toEqual(definition.body);
        expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['200', '202', '400', '404', '409', '502', '504']));
      }
    });

    it('documents the query parameters each operation accepts and nothing else', async () => {
      const tokens = document.paths['/api/v1/tokens']?.['get'];
      expect(tokens?.parameters?.map((parameter) => parameter.name).sort()).toEqual(['cursor', 'idToken', 'limit', 'type']);
    });
  });

  describe('answers match the published schemas', () => {
    it('for stations, sessions and tokens', async () => {
      responses.check('get', '/api/v1/stations', 200, (await call('GET', '/api/v1/stations')).body);
      responses.check('get', '/api/v1/stations/{id}', 200, (await call('GET', '/api/v1/stations/CP-CONTRACT')).body);
      const sessions = (await call('GET', '/api/v1/sessions')).body;
      responses.check('get', '/api/v1/sessions', 200, sessions);
      responses.check('get', '/api/v1/sessions/{id}', 200, (await call('GET', `/api/v1/sessions/${sessions.items[0].id}`)).body);
      const token = await call('POST', '/api/v1/tokens', { body: { idToken: 'SCHEMA-1', type: 'ISO14443' } });
      responses.check('post', '/api/v1/tokens', 201, token.body);
      responses.check('get', '/api/v1/tokens', 200, (await call('GET', '/api/v1/tokens')).body);
    });

    it('for API keys, connections and local lists', async () => {
      const created = await call('POST', '/api/v1/api-keys', { body: { name: 'schema check', scopes: ['read'] } });
      responses.check('post', '/api/v1/api-keys', 201, created.body);
      responses.check('get', '/api/v1/api-keys', 200, (await call('GET', '/api/v1/api-keys')).body);
      await platform.connectStation('CP-CONTRACT-LIVE', 'ocpp1.6');
      const connections = (await call('GET', '/api/v1/connections')).body;
      expect(connections.items.length).toBeGreaterThan(0);
      responses.check('get', '/api/v1/connections', 200, connections);
      responses.check('get', '/api/v1/connections/{stationId}', 200, (await call('GET', '/api/v1/connections/CP-CONTRACT-LIVE')).body);
      responses.check('get', '/api/v1/stations/{id}/local-list', 200, (await call('GET', '/api/v1/stations/CP-CONTRACT/local-list')).body);
    });

    it('for a queued command', async () => {
      const queued = await call('POST', '/api/v1/stations/CP-CONTRACT/commands/clear-cache?queueIfOffline=true');
      expect(queued.status).toBe(202);
      responses.check('post', '/api/v1/stations/{id}/commands/clear-cache', 202, queued.body);
      responses.check('get', '/api/v1/commands/{commandId}', 200, (await call('GET', `/api/v1/commands/${queued.body.commandId}`)).body);
    });
  });

  describe('every error is problem+json', () => {
    it('answers an over-long path with 414 problem+json that does not echo the path', async () => {
      const id = 'X'.repeat(1000);
      const response = await call('GET', `/api/v1/stations/${id}`);
      expectProblem(response, 414);
      expect(response.body.title).toBe('URI Too Long');
      expect(JSON.stringify(response.body)).not.toContain(id);
    });

    it('answers a wrong method with 405 and an Allow header', async () => {
      const response = await fetch(`http://127.0.0.1:${platform.api.port}/api/v1/stations`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(response.status).toBe(405);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.headers.get('allow')?.split(/,\s*/)).toEqual(expect.arrayContaining(['GET']));
      const withParameters = await fetch(`http://127.0.0.1:${platform.api.port}/api/v1/tokens/00000000-0000-0000-0000-000000000000`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(withParameters.status).toBe(405);
      expect(withParameters.headers.get('allow')?.split(/,\s*/)).toEqual(expect.arrayContaining(['GET', 'PATCH']));
      expect((await call('GET', '/api/v1/no-such-resource')).status).toBe(404);
    });

    it.each([
      '/api/v1/stations?colour=red',
      '/api/v1/sessions?colour=red',
      '/api/v1/tokens?colour=red',
      '/api/v1/reservations?colour=red',
      '/api/v1/tariffs?colour=red',
      '/api/v1/tariff-assignments?colour=red',
      '/api/v1/cdrs?colour=red',
      '/api/v1/connections?colour=red',
      '/api/v1/statements?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&colour=red',
      '/api/v1/stations/CP-CONTRACT?colour=red',
    ])('refuses an unknown query parameter: %s', async (path) => {
      const response = await call('GET', path);
      expectProblem(response, 400);
      expect(response.body.detail).toContain('colour');
    });

    it.each(['/api/v1/sessions?stationId=A&stationId=B', '/api/v1/tokens?idToken=a&idToken=b', '/api/v1/tariff-assignments?tariffId=a&tariffId=b'])(
      'refuses a query parameter given twice: %s',
      async (path) => {
        const response = await call('GET', path);
        expectProblem(response, 400);
        expect(response.body.detail).toMatch(/given more than once/);
      },
    );

    it.each(['/api/v1/sessions', '/api/v1/cdrs', '/api/v1/statements', '/api/v1/stations/CP-CONTRACT/events'])('refuses from after to on %s, as every from/to pair does', async (path) => {
      const response = await call('GET', `${path}?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`);
      expectProblem(response, 400);
      expect(response.body.detail).toBe('to must be after from');
    });
  });

  describe('tokens', () => {
    it('creates a token as Accepted when no status is given', async () => {
      const created = await call('POST', '/api/v1/tokens', { body: { idToken: 'DEFAULT-STATUS', type: 'ISO14443' } });
      expect(created.status).toBe(201);
      expect(created.body.status).toBe('Accepted');
    });

    it('finds a token by its idToken, case-insensitively, and by type', async () => {
      await call('POST', '/api/v1/tokens', { body: { idToken: 'LookUp-Me', type: 'ISO14443' } });
      await call('POST', '/api/v1/tokens', { body: { idToken: 'lookup-me', type: 'Central' } });
      await call('POST', '/api/v1/tokens', { body: { idToken: 'SOMEONE-ELSE', type: 'ISO14443' } });
      const both = await call('GET', '/api/v1/tokens?idToken=LOOKUP-ME');
      expect(both.body.items.map((token: { type: string }) => token.type).sort()).toEqual(['Central', 'ISO14443']);
      const one = await call('GET', '/api/v1/tokens?idToken=lookup-ME&type=Central');
      expect(one.body.items).toEqual([expect.objectContaining({ idToken: 'lookup-me', type: 'Central' })]);
      expect((await call('GET', '/api/v1/tokens?idToken=nobody')).body.items).toEqual([]);
      expectProblem(await call('GET', '/api/v1/tokens?type=Barcode'), 400);
    });
  });
});
