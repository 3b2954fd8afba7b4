/**
 * Generates the typed request/response maps of libs/ocpp from the official OCA JSON schemas that
 * ship with ocpp-rpc. Re-runnable; the output is committed.
 *
 *   node -r @swc-node/register tools/generators/ocpp-types.ts
 *
 * Every action schema of a version is folded into one combined schema so that definitions shared
 * between actions (2.0.1 repeats CustomDataType, IdTokenType, ... in every file) are emitted once.
 * Same-named definitions that differ (ignoring descriptions) are kept apart under an action prefix.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

interface Target {
  schemaFile: string;
  outFile: string;
  prefix: string;
  title: string;
}

const TARGETS: Target[] = [
  { schemaFile: 'ocpp1_6.json', outFile: 'ocpp16.types.ts', prefix: 'Ocpp16', title: 'OCPP 1.6J (with the security extensions)' },
  { schemaFile: 'ocpp2_0_1.json', outFile: 'ocpp201.types.ts', prefix: 'Ocpp201', title: 'OCPP 2.0.1' },
];

const OUT_DIR = join(__dirname, '..', '..', 'libs', 'ocpp', 'src', 'generated');
const SCHEMA_DIR = join(__dirname, '..', '..', 'node_modules', 'ocpp-rpc', 'lib', 'schemas');

type Schema = Record<string, unknown>;

/** 1.6 and 2.0.1 name schemas "urn:Action.req|conf"; 2.1 uses "urn:ActionRequest|Response". */
function parseSchemaId(id: string): { action: string; suffix: 'Request' | 'Response' } {
  const [, action, dotted, spelled] = /^urn:([A-Za-z0-9]+?)(?:\.(req|conf)|(Request|Response))$/.exec(id) ?? [];
  if (action === undefined) throw new Error(`unexpected schema $id ${id}`);
  return { action, suffix: dotted === 'req' || spelled === 'Request' ? 'Request' : 'Response' };
}

function withoutDescriptions(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === 'description' ? undefined : v));
}

/** Deep copy with "#/definitions/X" refs renamed and CRLF descriptions normalised. */
function rewrite(value: unknown, rename: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, rename));
  if (value === null || typeof value !== 'object') return value;
  const out: Schema = {};
  for (const [key, child] of Object.entries(value as Schema)) {
    if (key === '$ref' && typeof child === 'string') {
      const name = child.replace('#/definitions/', '');
      out[key] = `#/definitions/${rename.get(name) ?? name}`;
    } else if (key === 'description' && typeof child === 'string') {
      out[key] = child.replace(/\r\n/g, '\n').trim();
    } else {
      out[key] = rewrite(child, rename);
    }
  }
  return out;
}

function combine(schemas: Schema[], prefix: string): { combined: JSONSchema; actions: string[] } {
  const definitions: Record<string, unknown> = {};
  const fingerprints = new Map<string, string>();
  const requests: Record<string, unknown> = {};
  const responses: Record<string, unknown> = {};
  const actions = new Set<string>();

  for (const schema of schemas) {
    const { action, suffix } = parseSchemaId(String(schema.$id));
    actions.add(action);
    const rename = new Map<string, string>();
    const local = (schema.definitions ?? {}) as Record<string, unknown>;
    for (const [name, definition] of Object.entries(local)) {
      const fingerprint = withoutDescriptions(definition);
      const seen = fingerprints.get(name);
      if (seen !== undefined && seen !== fingerprint) rename.set(name, `${action}${suffix}${name}`);
      else fingerprints.set(name, fingerprint);
    }
    for (const [name, definition] of Object.entries(local)) {
      const finalName = rename.get(name) ?? name;
      if (!(finalName in definitions)) definitions[finalName] = rewrite(definition, rename);
    }
    const { $id: _id, $schema: _schema, definitions: _definitions, ...body } = schema;
    const messageName = `${action}${suffix}`;
    if (messageName in definitions) throw new Error(`definition name clash: ${messageName}`);
    definitions[messageName] = { ...(rewrite(body, rename) as Schema), title: messageName };
    (suffix === 'Request' ? requests : responses)[action] = { $ref: `#/definitions/${messageName}` };
  }

  const sorted = [...actions].sort();
  const map = (title: string, properties: Record<string, unknown>): Schema => ({
    title,
    type: 'object',
    additionalProperties: false,
    required: sorted,
    properties,
  });
  const combined = {
    title: `${prefix}Messages`,
    description: 'Every action of the version: requests (CALL payloads) and responses (CALLRESULT payloads).',
    type: 'object',
    additionalProperties: false,
    required: ['requests', 'responses'],
    properties: {
      requests: map(`${prefix}RequestMap`, requests),
      responses: map(`${prefix}ResponseMap`, responses),
    },
    definitions,
  } as JSONSchema;
  return { combined, actions: sorted };
}

async function generate(target: Target): Promise<void> {
  const schemas = JSON.parse(readFileSync(join(SCHEMA_DIR, target.schemaFile), 'utf8')) as Schema[];
  const { combined, actions } = combine(schemas, target.prefix);
  const banner = [
    '/*',
    ` * ${target.title}: payload types of every action.`,
    ` * Generated by tools/generators/ocpp-types.ts from ocpp-rpc/lib/schemas/${target.schemaFile}.`,
    ' * Do not edit by hand: re-run `node -r @swc-node/register tools/generators/ocpp-types.ts`.',
    ' */',
  ].join('\n');
  let source = await compile(combined, `${target.prefix}Messages`, {
    bannerComment: banner,
    additionalProperties: false,
    unknownAny: true,
    declareExternallyReferenced: true,
    strictIndexSignatures: false,
    // Plain arrays: tuples for minItems/maxItems make payloads awkward to build; the schema checks counts.
    ignoreMinAndMaxItems: true,
    format: true,
    style: { singleQuote: true, printWidth: 120, trailingComma: 'all' },
  });
  // An empty schema with additionalProperties:false admits only {}; say so instead of `interface X {}`.
  source = source.replace(/export interface (\w+) \{\}\n/g, 'export type $1 = Record<string, never>;\n');
  source += [
    '',
    `export type ${target.prefix}Action = keyof ${target.prefix}RequestMap;`,
    '',
    `export const ${target.prefix.toUpperCase()}_ACTIONS: readonly ${target.prefix}Action[] = [`,
    ...actions.map((action) => `  '${action}',`),
    '];',
    '',
  ].join('\n');
  writeFileSync(join(OUT_DIR, target.outFile), source);
  console.log(`${target.outFile}: ${actions.length} actions, ${schemas.length} schemas`);
}

async function main(): Promise<void> {
  for (const target of TARGETS) await generate(target);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
