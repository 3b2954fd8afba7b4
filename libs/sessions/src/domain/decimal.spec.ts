import fc from 'fast-check';
import { decimalFromNumber, parseDecimal, shift, toInteger, toPlainString } from './decimal';

const plain = (text: string, power = 0): string | undefined => {
  const value = parseDecimal(text);
  return value ? toPlainString(shift(value, power)) : undefined;
};

describe('exact decimals for meter readings', () => {
  it.each([
    ['12.345', 3, '12345'],
    ['0.0001', 3, '0.1'],
    ['1.5e2', 0, '150'],
    ['-2.50', 0, '-2.5'],
    ['.5', 3, '500'],
    ['7', -3, '0.007'],
    ['0.000', 3, '0'],
  ])('%s x 10^%d is %s', (text, power, expected) => {
    expect(plain(text, power)).toBe(expected);
  });

  it.each(['', 'abc', '1,5', 'NaN', 'Infinity', '1e999999', '.', '-'])('refuses %j', (text) => {
    expect(parseDecimal(text)).toBeNull();
  });

  it.each([
    ['12345.5', 12346n],
    ['12345.49999', 12345n],
    ['-0.5', -1n],
    ['0.4', 0n],
    ['1e3', 1000n],
  ])('rounds %s half away from zero to %s', (text, expected) => {
    expect(toInteger(parseDecimal(text)!)).toBe(expected);
  });

  it('converts kWh with up to three decimals to Wh exactly, where floats would not', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), (wh) => {
        const kwh = `${wh / 1000n}.${(wh % 1000n).toString().padStart(3, '0')}`;
        expect(toInteger(shift(parseDecimal(kwh)!, 3))).toBe(wh);
        expect(toInteger(shift(decimalFromNumber(Number(kwh))!, 3))).toBe(wh);
      }),
    );
    // The float way truncates 1.005 kWh to 1004 Wh.
    expect(Math.trunc(1.005 * 1000)).toBe(1004);
    expect(plain('1.005', 3)).toBe('1005');
  });
});
