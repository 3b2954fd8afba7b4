import { type SchemaObject } from 'ajv';

/**
 * Test data straight from a schema. 'minimal': only required fields, smallest values.
 * 'complete': every optional field too, strings at their maxLength and numbers at their bounds,
 * so a schema's own limits are exercised as valid values.
 */
export type InstanceMode = 'minimal' | 'complete';

type Schema = Record<string, unknown>;

const MAX_DEPTH = 24;

export function resolveSchema(root: SchemaObject, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/definitions/', '');
  const definitions = root.definitions as Record<string, Schema> | undefined;
  const target = definitions?.[name];
  if (!target) throw new Error(`unresolvable $ref ${ref}`);
  return resolveSchema(root, target);
}

function buildNumber(schema: Schema, mode: InstanceMode, integer: boolean): number {
  const minimum = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  const multipleOf = typeof schema.multipleOf === 'number' ? schema.multipleOf : undefined;
  if (mode === 'minimal') return minimum ?? (maximum !== undefined && maximum < 0 ? maximum : 0);
  if (maximum !== undefined) return maximum;
  // 323 x 0.1 is 32.300000000000004: a realistic current limit that trips naive multipleOf checks.
  if (multipleOf !== undefined) return 323 * multipleOf;
  return integer ? (minimum ?? 0) + 7 : (minimum ?? 0) + 12.5;
}

function buildString(schema: Schema, mode: InstanceMode): string {
  if (schema.format === 'date-time') return '2025-03-14T09:26:53.589Z';
  if (schema.format === 'uri') return 'https://files.example.com/firmware/v1.2.3.bin';
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
  if (mode === 'minimal') return 'a';
  return 'x'.repeat(maxLength ?? 20);
}

function build(root: SchemaObject, raw: Schema, mode: InstanceMode, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new Error('schema nests too deeply for the instance factory');
  const schema = resolveSchema(root, raw);
  if (Array.isArray(schema.enum)) return mode === 'minimal' ? schema.enum[0] : schema.enum[schema.enum.length - 1];
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) {
        if (mode === 'complete' || required.has(name)) out[name] = build(root, property, mode, depth + 1);
      }
      return out;
    }
    case 'array': {
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
      const count = Math.min(Math.max(minItems, mode === 'complete' ? 2 : 0), maxItems);
      return Array.from({ length: count }, () => build(root, schema.items as Schema, mode, depth + 1));
    }
    case 'string':
      return buildString(schema, mode);
    case 'integer':
      return buildNumber(schema, mode, true);
    case 'number':
      return buildNumber(schema, mode, false);
    case 'boolean':
      return mode === 'complete';
    case undefined:
      // An untyped schema (2.0.1 DataTransfer data) admits any JSON.
      return { anything: ['goes', 1, null] };
    default:
      throw new Error(`instance factory cannot build type ${JSON.stringify(schema.type)}`);
  }
}

export function buildInstance(schema: SchemaObject, mode: InstanceMode): Record<string, unknown> {
  return build(schema, schema, mode, 0) as Record<string, unknown>;
}
