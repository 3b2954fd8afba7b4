import { findUnstorableText, mayCarryUnstorableText, unstorableTextDescription } from './storable-text';

describe('text a station sends that no store takes', () => {
  it('gates on a \\u escape in the raw frame, so ordinary frames are never walked', () => {
    expect(mayCarryUnstorableText('[2,"1","Authorize",{"idTag":"ABC"}]')).toBe(false);
    expect(mayCarryUnstorableText('[2,"1","Authorize",{"idTag":"A\\u0000"}]')).toBe(true);
  });

  it.each([
    ['NUL in a nested string', { idTagInfo: { parentIdTag: 'A\u0000B' } }, 'idTagInfo.parentIdTag'],
    ['NUL inside an array', { meterValue: [{ sampledValue: [{ value: '1' }, { value: '2\u0000' }] }] }, 'meterValue[0].sampledValue[1].value'],
    ['a lone high surrogate', { data: 'x\ud800' }, 'data'],
    ['a lone low surrogate', { data: '\udc00x' }, 'data'],
    ['NUL in a property name (customData)', { customData: { vendorId: 'v', 'k\u0000': 1 } }, 'customData (a property name)'],
  ])('finds %s and names its path', (_what, payload, path) => {
    expect(findUnstorableText(payload)).toBe(path);
  });

  it.each([
    ['plain text', { idTag: 'ABC' }],
    ['a surrogate pair (an emoji)', { data: 'ok \ud83d\ude00' }],
    ['newlines and tabs, which vendors send in DataTransfer data', { data: 'a\nb\tc\r' }],
    ['numbers, booleans and nulls', { a: 1, b: true, c: null }],
  ])('lets %s through', (_what, payload) => {
    expect(findUnstorableText(payload)).toBeUndefined();
  });

  it('describes the place, never the value', () => {
    expect(unstorableTextDescription('data')).toBe('data: contains U+0000 or an unpaired UTF-16 surrogate, which the CSMS cannot store');
  });
});
