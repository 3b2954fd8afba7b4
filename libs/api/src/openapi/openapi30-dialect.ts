/**
 * The pipes validate with ajv's JSON Schema draft-07; OpenAPI 3.0 speaks an older dialect. A
 * copy of the document is translated where the two differ, so the published schema means what
 * the validating one means: a numeric `exclusiveMinimum: x` becomes `minimum: x` plus
 * `exclusiveMinimum: true` (the same for maximum), and `const: v` becomes `enum: [v]`. The
 * validating schema objects themselves are never changed.
 */
export function toOpenApi30<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => toOpenApi30(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof item === 'number') {
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = item;
      out[key] = true;
    } else if (key === 'const') {
      out['enum'] = [item];
    } else {
      out[key] = toOpenApi30(item);
    }
  }
  return out as T;
}
