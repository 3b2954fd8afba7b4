import { toOpenApi30 } from './openapi30-dialect';

describe('toOpenApi30', () => {
  it('writes draft-07 exclusive bounds and const in the OpenAPI 3.0 dialect', () => {
    const schema = { type: 'object', properties: { voltage: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1000 }, kind: { const: 'AC' } } };
    expect(toOpenApi30(schema)).toEqual({
      type: 'object',
      properties: { voltage: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1000, exclusiveMaximum: true }, kind: { enum: ['AC'] } },
    });
  });

  it('leaves the validating schema untouched and OpenAPI 3.0 bounds as they are', () => {
    const schema = { type: 'integer', minimum: 1, exclusiveMinimum: true, items: [{ const: 1 }] };
    const copy = structuredClone(schema);
    expect(toOpenApi30(schema)).toEqual({ type: 'integer', minimum: 1, exclusiveMinimum: true, items: [{ enum: [1] }] });
    expect(schema).toEqual(copy);
  });
});
