import { component, componentSchemas, pageOf, view } from './schema-components';

describe('OpenAPI schema components', () => {
  it('registers a schema once and answers a $ref to it', () => {
    const schema = view({ id: { type: 'string' } });
    expect(component('SpecThing', schema)).toEqual({ $ref: '#/components/schemas/SpecThing' });
    expect(component('SpecThing', schema)).toEqual({ $ref: '#/components/schemas/SpecThing' });
    expect(componentSchemas()['SpecThing']).toBe(schema);
    expect(() => component('SpecThing', view({ id: { type: 'integer' } }))).toThrow(/registered twice/);
  });

  it('makes one page wrapper per item, however often asked for', () => {
    const item = component('SpecItem', view({ id: { type: 'string' } }));
    expect(pageOf('SpecItem', item)).toEqual({ $ref: '#/components/schemas/SpecItemPage' });
    expect(pageOf('SpecItem', item)).toEqual({ $ref: '#/components/schemas/SpecItemPage' });
    expect(componentSchemas()['SpecItemPage']).toMatchObject({ properties: { items: { type: 'array', items: item } }, required: ['items', 'nextCursor'] });
    expect(() => pageOf('SpecItem', component('SpecOther', view({})))).toThrow(/different items/);
  });

  it('closes a view: every property required unless named optional, no others', () => {
    expect(view({ a: { type: 'string' }, b: { type: 'string' } }, ['b'])).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      required: ['a'],
      additionalProperties: false,
    });
  });
});
