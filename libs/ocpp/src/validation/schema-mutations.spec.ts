import { type SchemaObject } from 'ajv';
import { ocppErrorCode } from '../rpc/rpc-error-code';
import { type RpcErrorKind } from '../rpc/rpc-error-kind';
import { schemaCatalogue } from '../testing/schema-catalogue';
import { buildInstance, resolveSchema } from '../testing/schema-instance.factory';
import { type OcppVersion } from '../versions/ocpp-version';
import { getValidator } from './ocpp.validator';

type Schema = Record<string, unknown>;

/** A field of a complete instance, with its (resolved) schema and whether its parent requires it. */
interface Field {
  segments: string[];
  schema: Schema;
  required: boolean;
}

function fieldsOf(root: SchemaObject, raw: Schema, value: unknown, segments: string[] = []): Field[] {
  const schema = resolveSchema(root, raw);
  if (schema.type === 'object' && typeof value === 'object' && value !== null) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required ?? []) as string[]);
    return Object.entries(properties).flatMap(([name, property]) => {
      const child = [...segments, name];
      return [
        { segments: child, schema: resolveSchema(root, property), required: required.has(name) },
        ...fieldsOf(root, property, (value as Record<string, unknown>)[name], child),
      ];
    });
  }
  if (schema.type === 'array' && Array.isArray(value) && value.length > 0) {
    return fieldsOf(root, schema.items as Schema, value[0], [...segments, '0']);
  }
  return [];
}

function withChange(instance: Record<string, unknown>, segments: string[], change: (parent: Record<string, unknown>, key: string) => void) {
  const copy = structuredClone(instance);
  let parent = copy;
  for (const segment of segments.slice(0, -1)) parent = parent[segment] as Record<string, unknown>;
  change(parent, segments.at(-1)!);
  return copy;
}

interface Mutation {
  name: string;
  kind: RpcErrorKind;
  rule: string;
  /** Picks the field to break, or undefined when the schema has none of that sort. */
  pick: (fields: Field[]) => Field | undefined;
  apply: (parent: Record<string, unknown>, key: string, field: Field) => void;
}

const MUTATIONS: Mutation[] = [
  {
    name: 'drop a required field',
    kind: 'OccurrenceConstraintViolation',
    rule: 'required',
    pick: (fields) => fields.find((field) => field.required),
    apply: (parent, key) => delete parent[key],
  },
  {
    name: 'send a number where a string belongs',
    kind: 'TypeConstraintViolation',
    rule: 'type',
    pick: (fields) => fields.find((field) => field.schema.type === 'string'),
    apply: (parent, key) => (parent[key] = 12345),
  },
  {
    name: 'send a string where a number, flag or object belongs',
    kind: 'TypeConstraintViolation',
    rule: 'type',
    pick: (fields) => fields.find((field) => ['integer', 'number', 'boolean', 'object', 'array'].includes(String(field.schema.type))),
    apply: (parent, key) => (parent[key] = 'oops'),
  },
  {
    name: 'send a value outside the enumeration',
    kind: 'PropertyConstraintViolation',
    rule: 'enum',
    pick: (fields) => fields.find((field) => Array.isArray(field.schema.enum)),
    apply: (parent, key) => (parent[key] = 'NotAValidValue'),
  },
  {
    name: 'send a string one character over maxLength',
    kind: 'PropertyConstraintViolation',
    rule: 'maxLength',
    pick: (fields) => fields.find((field) => typeof field.schema.maxLength === 'number'),
    apply: (parent, key, field) => (parent[key] = 'x'.repeat((field.schema.maxLength as number) + 1)),
  },
];

const EXPECTED_CODES: Record<OcppVersion, Partial<Record<RpcErrorKind, string>>> = {
  'ocpp1.6': {
    OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
    TypeConstraintViolation: 'TypeConstraintViolation',
    PropertyConstraintViolation: 'PropertyConstraintViolation',
    FormatViolation: 'FormationViolation',
  },
  'ocpp2.0.1': {
    OccurrenceConstraintViolation: 'OccurrenceConstraintViolation',
    TypeConstraintViolation: 'TypeConstraintViolation',
    PropertyConstraintViolation: 'PropertyConstraintViolation',
    FormatViolation: 'FormatViolation',
  },
};

const catalogue = schemaCatalogue();
const applied = new Map<string, number>();

describe.each(catalogue.map((entry) => [entry.title, entry] as const))('%s', (_title, { version, action, direction, schema }) => {
  const validator = getValidator(version);
  const check = (payload: unknown) =>
    direction === 'request' ? validator.validateRequest(action, payload) : validator.validateResponse(action, payload);
  const complete = buildInstance(schema, 'complete');
  const fields = fieldsOf(schema, schema, complete);

  it.each(MUTATIONS.map((mutation) => [mutation.name, mutation] as const))('%s', (_name, mutation) => {
    const field = mutation.pick(fields);
    if (!field) return;
    applied.set(mutation.name, (applied.get(mutation.name) ?? 0) + 1);
    const result = check(withChange(complete, field.segments, (parent, key) => mutation.apply(parent, key, field)));
    expect(result).toMatchObject({
      ok: false,
      kind: mutation.kind,
      details: { errors: expect.arrayContaining([{ path: `/${field.segments.join('/')}`, rule: mutation.rule, message: expect.any(String) }]) },
    });
    if (!result.ok) expect(ocppErrorCode(version, result.kind)).toBe(EXPECTED_CODES[version][mutation.kind]);
  });

  it('add a property the schema does not define', () => {
    applied.set('extra property', (applied.get('extra property') ?? 0) + 1);
    const result = check({ ...complete, unexpectedField: 1 });
    expect(result).toMatchObject({ ok: false, kind: 'FormatViolation', details: { errors: [{ path: '/unexpectedField', rule: 'additionalProperties' }] } });
    if (!result.ok) expect(ocppErrorCode(version, result.kind)).toBe(EXPECTED_CODES[version].FormatViolation);
  });
});

describe('mutation coverage', () => {
  it('each mutation found a target in most schemas, so the sweep is not vacuous', () => {
    expect(applied.get('extra property')).toBe(206);
    // Only payloads without such fields are skipped (e.g. the empty 1.6 StatusNotification.conf).
    expect(applied.get('drop a required field')).toBeGreaterThanOrEqual(190);
    expect(applied.get('send a number where a string belongs')).toBeGreaterThanOrEqual(185);
    expect(applied.get('send a string where a number, flag or object belongs')).toBeGreaterThanOrEqual(155);
    expect(applied.get('send a value outside the enumeration')).toBeGreaterThanOrEqual(130);
    expect(applied.get('send a string one character over maxLength')).toBeGreaterThanOrEqual(150);
  });
});
