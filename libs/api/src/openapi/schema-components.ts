/** A JSON schema as OpenAPI 3.0 publishes it (nullable, enum, format, ...). */
export type JsonSchema = Record<string, unknown>;

export type SchemaRef = { readonly $ref: string };

const registry = new Map<string, JsonSchema>();

/**
 * Registers `schema` under `components.schemas[name]` and returns a `$ref` to it. Controllers
 * call it with the same schema objects their pipes validate with, so the published contract and
 * the checks are one object.
 */
export function component(name: string, schema: JsonSchema): SchemaRef {
  const known = registry.get(name);
  if (known !== undefined && known !== schema) throw new Error(`OpenAPI component ${name} is registered twice with different schemas`);
  registry.set(name, schema);
  return { $ref: `#/components/schemas/${name}` };
}

const pages = new Map<string, { readonly item: SchemaRef; readonly schema: JsonSchema }>();

/** `{items, nextCursor}` of `item`, registered as `${name}Page`; asking again gives the same one. */
export function pageOf(name: string, item: SchemaRef): SchemaRef {
  const known = pages.get(name);
  if (known && known.item.$ref !== item.$ref) throw new Error(`OpenAPI component ${name}Page is registered twice with different items`);
  const schema = known?.schema ?? {
    type: 'object',
    properties: {
      items: { type: 'array', items: item },
      nextCursor: { type: 'string', nullable: true, description: 'pass as `cursor` for the next page; null on the last page' },
    },
    required: ['items', 'nextCursor'],
    additionalProperties: false,
  };
  pages.set(name, { item, schema });
  return component(`${name}Page`, schema);
}

export function componentSchemas(): Record<string, JsonSchema> {
  return Object.fromEntries([...registry.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Shorthands for view schemas: `nullable(string)` and the like. */
export const string = { type: 'string' } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;
export const integer = { type: 'integer' } as const;
export const nullable = (schema: JsonSchema): JsonSchema => ({ ...schema, nullable: true });

/** A closed object: every listed property is always present (null when unknown). */
export function view(properties: Record<string, JsonSchema>, optional: readonly string[] = []): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties).filter((key) => !optional.includes(key)), additionalProperties: false };
}
