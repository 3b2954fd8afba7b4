import { currencyCode, minorUnitExponent, type CurrencyCode } from './currency';
import { formatScaled, fromInteger, mul, parseDecimalRatio, ratio, roundHalfUp, type Ratio } from './ratio';

/** An amount of money: an integer number of minor units (cents) of one currency. Never a float. */
export interface Money {
  readonly minor: bigint;
  readonly currency: CurrencyCode;
}

/** OCPI's Price: the same amount excluding and including VAT. */
export interface Price {
  readonly excl_vat: Money;
  readonly incl_vat: Money;
}

export class CurrencyMismatchError extends Error {
  constructor(a: CurrencyCode, b: CurrencyCode) {
    super(`cannot combine ${a} with ${b}`);
    this.name = 'CurrencyMismatchError';
  }
}

export function money(minor: bigint, currency: CurrencyCode | string): Money {
  if (typeof minor !== 'bigint') throw new TypeError('money amounts are bigint minor units');
  return { minor, currency: currencyCode(currency) };
}

export function zeroMoney(currency: CurrencyCode): Money {
  return money(0n, currency);
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
  return { minor: a.minor + b.minor, currency: a.currency };
}

export function negateMoney(a: Money): Money {
  return { minor: -a.minor, currency: a.currency };
}

export function sumMoney(values: Iterable<Money>, currency: CurrencyCode): Money {
  let total = zeroMoney(currency);
  for (const value of values) total = addMoney(total, value);
  return total;
}

export function price(exclVat: Money, inclVat: Money): Price {
  if (exclVat.currency !== inclVat.currency) throw new CurrencyMismatchError(exclVat.currency, inclVat.currency);
  return { excl_vat: exclVat, incl_vat: inclVat };
}

export function zeroPrice(currency: CurrencyCode): Price {
  return price(zeroMoney(currency), zeroMoney(currency));
}

export function addPrice(a: Price, b: Price): Price {
  return { excl_vat: addMoney(a.excl_vat, b.excl_vat), incl_vat: addMoney(a.incl_vat, b.incl_vat) };
}

export function negatePrice(a: Price): Price {
  return { excl_vat: negateMoney(a.excl_vat), incl_vat: negateMoney(a.incl_vat) };
}

export function sumPrices(values: Iterable<Price>, currency: CurrencyCode): Price {
  let total = zeroPrice(currency);
  for (const value of values) total = addPrice(total, value);
  return total;
}

/** An exact amount in major units (euros) rounded half-up to minor units: the one rounding step. */
export function roundToMinor(amount: Ratio, currency: CurrencyCode): Money {
  return { minor: roundHalfUp(mul(amount, fromInteger(10n ** BigInt(minorUnitExponent(currency))))), currency };
}

/** Major-unit value of a Money, exactly (1234 cents -> 12.34). */
export function toMajorRatio(value: Money): Ratio {
  return ratio(value.minor, 10n ** BigInt(minorUnitExponent(value.currency)));
}

/** Decimal text in major units with the currency's minor digits: "12.34", "-0.05", "1500" (JPY). */
export function formatMoney(value: Money): string {
  return formatScaled(value.minor, minorUnitExponent(value.currency));
}

/**
 * Parses a major-unit amount ("12.34", or the JSON number 12.34) exactly. Null when it is not a
 * number or has more decimals than the currency has minor units (12.345 EUR is no amount of money).
 */
export function parseMoney(value: string | number, currency: CurrencyCode | string): Money | null {
  const code = currencyCode(currency);
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  const parsed = parseDecimalRatio(text);
  if (!parsed) return null;
  const scaled = mul(parsed, fromInteger(10n ** BigInt(minorUnitExponent(code))));
  return scaled.den === 1n ? { minor: scaled.num, currency: code } : null;
}
