import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import createClient from 'openapi-fetch';
import ts from 'typescript';
import { ADMIN_KEY, InProcessPlatform } from '../../test/in-process-platform';
import type { OpenApiDocument } from '../../test/openapi-contract';

/**
 * A partner's typed client, generated from the live /docs-json with openapi-typescript and
 * compiled with tsc against openapi-fetch: every call below must type-check, with exact response
 * types, and the same calls must fail to compile once a response schema is untyped.
 */
const CLIENT = `
import createClient from 'openapi-fetch';
import type { components, paths } from './api-types';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}
type Schemas = components['schemas'];

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:8080', headers: { authorization: 'Bearer key' } });

export async function partnerCalls(): Promise<void> {
  const created = await client.POST('/api/v1/tokens', { body: { idToken: 'CARD-1', type: 'ISO14443' } });
  if (created.data) assertType<Equal<typeof created.data.status, 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx'>>();
  if (created.error) assertType<Equal<typeof created.error.status, number>>();

  const found = await client.GET('/api/v1/tokens', { params: { query: { idToken: 'card-1', type: 'ISO14443', limit: 10 } } });
  assertType<Equal<NonNullable<typeof found.data>['items'][number], Schemas['Token']>>();
  assertType<Equal<NonNullable<typeof found.data>['nextCursor'], string | null>>();
  const id: string | undefined = found.data?.items[0]?.id;

  const station = await client.GET('/api/v1/stations/{id}', { params: { path: { id: 'CP-1' } } });
  assertType<Equal<NonNullable<typeof station.data>['online'], boolean>>();

  const session = await client.GET('/api/v1/sessions/{id}', { params: { path: { id: id ?? '' } } });
  assertType<Equal<NonNullable<typeof session.data>['cost'], Schemas['Money'] | undefined>>();

  const reset = await client.POST('/api/v1/stations/{id}/commands/reset', { params: { path: { id: 'CP-1' }, query: { queueIfOffline: 'true' } }, body: { type: 'Hard' } });
  assertType<Equal<NonNullable<typeof reset.data>, Schemas['CommandAnswer'] | Schemas['QueuedCommand']>>();
  if (reset.data && 'commandId' in reset.data) {
    const pending = await client.GET('/api/v1/commands/{commandId}', { params: { path: { commandId: reset.data.commandId } } });
    assertType<Equal<NonNullable<typeof pending.data>['status'], 'Queued' | 'Delivered' | 'Expired' | 'Failed'>>();
  }

  const cdrs = await client.GET('/api/v1/cdrs', { params: { query: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' } } });
  assertType<Equal<NonNullable<typeof cdrs.data>['items'][number]['totalCost'], Schemas['Money']>>();

  // @ts-expect-error a reset is Soft, Hard, Immediate or OnIdle
  await client.POST('/api/v1/stations/{id}/commands/reset', { params: { path: { id: 'CP-1' } }, body: { type: 'Sideways' } });
  // @ts-expect-error remote-start needs an idToken
  await client.POST('/api/v1/stations/{id}/commands/remote-start', { params: { path: { id: 'CP-1' } }, body: { evseId: 1 } });
  // @ts-expect-error no such path
  await client.GET('/api/v1/nowhere');
}
`;

describe('a client generated from the OpenAPI document', () => {
  jest.setTimeout(60_000);
  let platform: InProcessPlatform;
  let document: OpenApiDocument;
  const workDir = join(__dirname, '..', '..', '..', '..', 'tmp', `typed-client-${randomBytes(4).toString('hex')}`);

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: false });
    document = (await platform.call('GET', '/docs-json', { key: null })).body as OpenApiDocument;
    mkdirSync(workDir, { recursive: true });
  });

  afterAll(async () => {
    rmSync(workDir, { recursive: true, force: true });
    await platform?.stop();
  });

  async function compileAgainst(spec: OpenApiDocument, name: string): Promise<string[]> {
    const dir = join(workDir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(spec));
    // The openapi-typescript CLI, as a partner runs it (its library entry is ESM-only underneath).
    await promisify(execFile)(process.execPath, [join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js'), join(dir, 'openapi.json'), '-o', join(dir, 'api-types.ts')]);
    writeFileSync(join(dir, 'client.ts'), CLIENT);
    const program = ts.createProgram([join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0;
      return `${diagnostic.file?.fileName ?? ''}:${line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
  }

  it('compiles typed calls for tokens, stations, sessions, commands and CDRs', async () => {
    expect(await compileAgainst(document, 'live')).toEqual([]);
  });

  it('fails to compile once a response schema is untyped', async () => {
    const untyped = structuredClone(document);
    untyped.components.schemas!['Token'] = { type: 'object' };
    const errors = await compileAgainst(untyped, 'untyped');
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/client\.ts:\d+: Property 'status' does not exist/), expect.stringMatching(/client\.ts:\d+: Type 'false' does not satisfy the constraint 'true'/)]));
  });

  it('talks to the live API', async () => {
    const client = createClient({ baseUrl: `http://127.0.0.1:${platform.api.port}`, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const created = await client.POST('/api/v1/tokens' as never, { body: { idToken: 'Typed-Client', type: 'ISO14443' } } as never);
    expect(created.response.status).toBe(201);
    const found = await client.GET('/api/v1/tokens' as never, { params: { query: { idToken: 'TYPED-CLIENT' } } } as never);
    expect(found.data).toMatchObject({ items: [expect.objectContaining({ idToken: 'Typed-Client', status: 'Accepted' })], nextCursor: null });
    const refused = await client.GET('/api/v1/tokens' as never, { params: { query: { idTag: 'TYPED-CLIENT' } } } as never);
    expect(refused.response.status).toBe(400);
    expect(refused.response.headers.get('content-type')).toContain('application/problem+json');
  });
});
