import { descriptorOf, type OcppVersion } from '@evcsms/ocpp';
import { component, type JsonSchema, type SchemaRef } from '../openapi/schema-components';

const PREFIX: Record<OcppVersion, string> = { 'ocpp1.6': 'Ocpp16', 'ocpp2.0.1': 'Ocpp201' };
// JSON Schema keywords of the OCA schemas that OpenAPI 3.0 schema objects do not have.
const DROPPED = new Set(['$schema', '$id', 'id', 'definitions', 'additionalItems']);

/**
 * The OCA request schemas of `actions` as OpenAPI components (`Ocpp201GetVariablesRequest`),
 * their definitions as components too (one per distinct definition: 2.0.1 reuses a name such as
 * EVSEType with different descriptions, and those get the action in their name).
 */
export function requestComponents(version: OcppVersion, actions: readonly string[]): SchemaRef[] {
  const descriptor = descriptorOf(version);
  if (!descriptor) throw new Error(`unsupported OCPP version ${version}`);
  const wanted = new Set(actions);
  const refs: SchemaRef[] = [];
  for (const schema of descriptor.schemas) {
    const key = typeof schema.$id === 'string' ? descriptor.schemaKeyOf(schema.$id) : undefined;
    if (!key || key.direction !== 'request' || !wanted.has(key.action)) continue;
    const local = (schema['definitions'] ?? {}) as Record<string, JsonSchema>;
    const names = new Map<string, string>();
    for (const name of Object.keys(local)) {
      names.set(name, definitionName(`${PREFIX[version]}${name}`, `${PREFIX[version]}${key.action}${name}`, identity(name, local)));
    }
    for (const [name, definition] of Object.entries(local)) {
      const registered = names.get(name)!;
      if (!components.has(registered)) components.set(registered, component(registered, openApiSchema(definition, names)));
    }
    refs.push(component(`${PREFIX[version]}${key.action}Request`, openApiSchema(schema, names)));
  }
  return refs;
}

const components = new Map<string, SchemaRef>();
const namesByIdentity = new Map<string, string>();
const takenNames = new Set<string>();

/** A definition with every definition it refers to, so two are shared only when all of that is equal. */
function identity(name: string, local: Record<string, JsonSchema>, seen = new Set<string>()): string {
  seen.add(name);
  const text = JSON.stringify(local[name]);
  const referred = [...text.matchAll(/"#\/definitions\/(\w+)"/g)].map((match) => match[1]!).filter((other) => !seen.has(other));
  return [text, ...referred.map((other) => identity(other, local, seen))].join('\n');
}

/** One name per distinct definition: the shared one for the first, the action's own for others. */
function definitionName(shared: string, own: string, id: string): string {
  let name = namesByIdentity.get(id);
  if (name === undefined) {
    name = takenNames.has(shared) ? own : shared;
    takenNames.add(name);
    namesByIdentity.set(id, name);
  }
  return name;
}

function openApiSchema(schema: unknown, names: ReadonlyMap<string, string>): JsonSchema {
  if (Array.isArray(schema)) return schema.map((item) => openApiSchema(item, names)) as unknown as JsonSchema;
  if (typeof schema !== 'object' || schema === null) return schema as JsonSchema;
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (DROPPED.has(keyword) || keyword === 'javaType' || keyword === 'comment') continue;
    if (keyword === '$ref' && typeof value === 'string') out[keyword] = `#/components/schemas/${names.get(value.replace('#/definitions/', '')) ?? value}`;
    else if (keyword === 'properties') out[keyword] = Object.fromEntries(Object.entries(value as object).map(([name, property]) => [name, openApiSchema(property, names)]));
    else out[keyword] = openApiSchema(value, names);
  }
  return out;
}
