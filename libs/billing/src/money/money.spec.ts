import fc from 'fast-check';
import { currencyCode, minorUnitExponent, UnknownCurrencyError } from './currency';
import { addMoney, CurrencyMismatchError, formatMoney, money, parseMoney, roundToMinor } from './money';
import { add, parseDecimalRatio, ratio, ratioFromNumber, roundHalfUp, toExactDecimal } from './ratio';
import { allocate } from './allocation';
import { priceSession, type SessionCost } from '..';
import { tariffOf } from '../../test/billing.factory';

describe('money', () => {
  it('knows the minor units of ISO 4217 currencies and refuses codes that are not money', () => {
    expect(minorUnitExponent(currencyCode('EUR'))).toBe(2);
    expect(minorUnitExponent(currencyCode('JPY'))).toBe(0);
    expect(minorUnitExponent(currencyCode('KWD'))).toBe(3);
    // CLDR shows IQD without decimals; ISO 4217 says 3.
    expect(minorUnitExponent(currencyCode('IQD'))).toBe(3);
    for (const bad of ['EURO', 'eur', 'XYZ', 'XAU', '']) expect(() => currencyCode(bad)).toThrow(UnknownCurrencyError);
  });

  it('writes and reads amounts in major units with the currency’s digits', () => {
    expect(formatMoney(money(1234n, 'EUR'))).toBe('12.34');
    expect(formatMoney(money(-5n, 'EUR'))).toBe('-0.05');
    expect(formatMoney(money(1500n, 'JPY'))).toBe('1500');
    expect(formatMoney(money(1n, 'KWD'))).toBe('0.001');
    expect(parseMoney('12.34', 'EUR')).toEqual(money(1234n, 'EUR'));
    expect(parseMoney(0.1, 'EUR')).toEqual(money(10n, 'EUR'));
    expect(parseMoney('12.345', 'EUR')).toBeNull();
    expect(parseMoney(12.5, 'JPY')).toBeNull();
  });

  it('never adds two currencies', () => {
    expect(() => addMoney(money(1n, 'EUR'), money(1n, 'USD'))).toThrow(CurrencyMismatchError);
  });

  it('keeps amounts as bigint minor units and refuses floats', () => {
    expect(() => money(1.5 as unknown as bigint, 'EUR')).toThrow(TypeError);
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (minor) => {
        const m = money(minor, 'EUR');
        expect(typeof m.minor).toBe('bigint');
        expect(parseMoney(formatMoney(m), 'EUR')).toEqual(m);
      }),
    );
  });

  it('rounds half away from zero, once', () => {
    expect(roundHalfUp(ratio(5n, 2n))).toBe(3n);
    expect(roundHalfUp(ratio(-5n, 2n))).toBe(-3n);
    expect(roundHalfUp(ratio(49n, 20n))).toBe(2n);
    // 1.005 EUR: a float says 1.00 (1.005 is 1.00499999... as a double); exactly it is 1.01.
    expect(roundToMinor(parseDecimalRatio('1.005')!, currencyCode('EUR')).minor).toBe(101n);
    expect(Math.round(1.005 * 100)).toBe(100);
  });

  it('reads JSON numbers as the decimal that was written, not the binary double', () => {
    expect(ratioFromNumber(0.1)).toEqual(ratio(1n, 10n));
    expect(add(ratioFromNumber(0.1)!, ratioFromNumber(0.2)!)).toEqual(ratio(3n, 10n));
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(toExactDecimal(ratioFromNumber(1e-7)!)).toBe('0.0000001');
    expect(ratioFromNumber(Number.NaN)).toBeNull();
    expect(parseDecimalRatio('1e999999')).toBeNull();
  });

  it('splits a total over weights exactly, remainders to the largest fractions, ties to the first', () => {
    expect(allocate(100n, [ratio(1n), ratio(1n), ratio(1n)])).toEqual([34n, 33n, 33n]);
    expect(allocate(7n, [ratio(0n), ratio(0n)])).toEqual([0n, 7n]);
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }), fc.array(fc.nat(1000), { minLength: 1, maxLength: 20 }), (total, weights) => {
        const parts = allocate(total, weights.map((w) => ratio(BigInt(w))));
        expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
      }),
    );
  });
});

/** Every Money inside a priced session: the money path must carry bigint minor units only. */
function allMinors(value: unknown, found: unknown[] = []): unknown[] {
  if (typeof value !== 'object' || value === null) return found;
  if ('minor' in value && 'currency' in value) found.push((value as { minor: unknown }).minor);
  for (const child of Object.values(value)) allMinors(child, found);
  return found;
}

describe('no float arithmetic in the money path', () => {
  const session = (pricePerKwh: string, wh: number): SessionCost =>
    priceSession({
      timeZone: 'UTC',
      tariffs: [tariffOf({ elements: [{ price_components: [{ type: 'ENERGY', price: pricePerKwh, step_size: 1 }] }] })],
      timeline: { startedAt: new Date('2026-01-01T10:00:00Z'), endedAt: new Date('2026-01-01T11:00:00Z'), meterPoints: [{ at: new Date('2026-01-01T11:00:00Z'), energyWh: wh }] },
    });

  it('0.145 per kWh for 1 kWh is 0.15 (a float gives 14.499999999999998 cents and rounds to 0.14)', () => {
    expect(session('0.145', 1000).total_cost.excl_vat.minor).toBe(15n);
    expect(Math.round(0.145 * 100)).toBe(14);
  });

  it('prices with many decimals and large volumes price exactly, in bigint minor units', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 9_000_000 }), (digits, places, wh) => {
        const text = places === 0 ? digits.toString() : `${digits / 10n ** BigInt(places)}.${(digits % 10n ** BigInt(places)).toString().padStart(places, '0')}`;
        const cost = session(text, wh);
        // Reference in integers only: price = digits / 10^places per kWh; cents = price x wh / 1000 x 100.
        const num = digits * BigInt(wh) * 100n;
        const den = 10n ** BigInt(places) * 1000n;
        const expected = (num * 2n + den) / (den * 2n);
        expect(cost.total_cost.excl_vat.minor).toBe(expected);
        for (const minor of allMinors(cost)) expect(typeof minor).toBe('bigint');
      }),
      { numRuns: 200 },
    );
  });
});
