/**
 * Exact rational numbers over BigInt: the one number type of the money path. Prices are
 * decimals, but a price per hour times seconds (x/3600) is not, so amounts stay rational until
 * the single rounding step per component (roundHalfUp).
 */
export interface Ratio {
  readonly num: bigint;
  /** Always positive; num/den is in lowest terms. */
  readonly den: bigint;
}

export const ZERO: Ratio = Object.freeze({ num: 0n, den: 1n });
export const ONE: Ratio = Object.freeze({ num: 1n, den: 1n });

/** Exponents beyond this are refused: "1e999999999" must not allocate a billion-digit BigInt. */
const MAX_EXPONENT = 60;
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export function ratio(num: bigint, den: bigint = 1n): Ratio {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const divisor = gcd(num < 0n ? -num : num, den);
  return divisor === 1n ? { num, den } : { num: num / divisor, den: den / divisor };
}

/** Parses decimal text ("0.25", "-1", ".5", "2.5e-3"); null for anything else. */
export function parseDecimalRatio(text: string): Ratio | null {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) return null;
  const [, sign = '', whole = '', fraction = '', exponentText] = match;
  if (whole === '' && fraction === '') return null;
  const exponent = Number(exponentText ?? '0') - fraction.length;
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_EXPONENT) return null;
  const digits = BigInt(`${whole}${fraction}` || '0');
  const signed = sign === '-' ? -digits : digits;
  return exponent >= 0 ? ratio(signed * 10n ** BigInt(exponent)) : ratio(signed, 10n ** BigInt(-exponent));
}

/**
 * A JSON number as it was written: String(n) is the shortest text that reads back as the same
 * double, so 0.1 becomes exactly 1/10, never 0.1000000000000000055511151231257827.
 */
export function ratioFromNumber(value: number): Ratio | null {
  return Number.isFinite(value) ? parseDecimalRatio(String(value)) : null;
}

export function fromInteger(value: bigint | number): Ratio {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  return { num: BigInt(value), den: 1n };
}

export function add(a: Ratio, b: Ratio): Ratio {
  return a.den === b.den ? ratio(a.num + b.num, a.den) : ratio(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a: Ratio, b: Ratio): Ratio {
  return add(a, negate(b));
}

export function mul(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.num, a.den * b.den);
}

export function div(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.den, a.den * b.num);
}

export function negate(a: Ratio): Ratio {
  return { num: -a.num, den: a.den };
}

export function sum(values: Iterable<Ratio>): Ratio {
  let total = ZERO;
  for (const value of values) total = add(total, value);
  return total;
}

export function compare(a: Ratio, b: Ratio): -1 | 0 | 1 {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function isZero(a: Ratio): boolean {
  return a.num === 0n;
}

/** Rounds to an integer, half away from zero (2.5 -> 3, -2.5 -> -3): "half-up" on magnitudes. */
export function roundHalfUp(a: Ratio): bigint {
  const magnitude = a.num < 0n ? -a.num : a.num;
  const rounded = (magnitude * 2n + a.den) / (a.den * 2n);
  return a.num < 0n ? -rounded : rounded;
}

export function floor(a: Ratio): bigint {
  const quotient = a.num / a.den;
  return a.num < 0n && quotient * a.den !== a.num ? quotient - 1n : quotient;
}

export function ceil(a: Ratio): bigint {
  return -floor(negate(a));
}

/** Decimal text with exactly `places` fraction digits, rounded half away from zero. */
export function toFixed(a: Ratio, places: number): string {
  const scaled = roundHalfUp(mul(a, fromInteger(10n ** BigInt(places))));
  return formatScaled(scaled, places);
}

/** Exact decimal text, or null when the value has no finite decimal expansion (1/3). */
export function toExactDecimal(a: Ratio): string | null {
  let den = a.den;
  let twos = 0;
  let fives = 0;
  while (den % 2n === 0n) {
    den /= 2n;
    twos += 1;
  }
  while (den % 5n === 0n) {
    den /= 5n;
    fives += 1;
  }
  if (den !== 1n) return null;
  const places = Math.max(twos, fives);
  return formatScaled((a.num * 10n ** BigInt(places)) / a.den, places).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** 1234n, 2 -> "12.34"; -5n, 2 -> "-0.05". */
export function formatScaled(scaled: bigint, places: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString();
  if (places === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(places + 1, '0');
  const text = `${padded.slice(0, -places)}.${padded.slice(-places)}`;
  return negative ? `-${text}` : text;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
