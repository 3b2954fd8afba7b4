/**
 * Exact decimal numbers for meter readings: value = coefficient x 10^exponent, with a BigInt
 * coefficient. Unit conversions (kWh -> Wh, a 2.0.1 multiplier) only move the exponent, so they
 * are exact; the one rounding step is toInteger(), half away from zero.
 */
export interface Decimal {
  readonly coefficient: bigint;
  readonly exponent: number;
}

/** Exponents beyond this are refused: "1e999999999" must not allocate a billion-digit BigInt. */
const MAX_EXPONENT = 400;
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses "12", "-0.5", ".5", "1.2345e3"; null for anything else (text, NaN, Infinity, empty). */
export function parseDecimal(text: string): Decimal | null {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) return null;
  const [, sign = '', whole = '', fraction = '', exponentText] = match;
  if (whole === '' && fraction === '') return null;
  const exponent = Number(exponentText ?? '0') - fraction.length;
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_EXPONENT) return null;
  const coefficient = BigInt(`${whole}${fraction}` || '0');
  return normalise({ coefficient: sign === '-' ? -coefficient : coefficient, exponent });
}

/**
 * A JSON number as it was written: String(n) is the shortest text that reads back as the same
 * double, which for any meter reading a station can send (up to 15 significant digits) is the
 * text it sent.
 */
export function decimalFromNumber(value: number): Decimal | null {
  return Number.isFinite(value) ? parseDecimal(String(value)) : null;
}

/** value x 10^power, exactly. */
export function shift(value: Decimal, power: number): Decimal {
  return normalise({ coefficient: value.coefficient, exponent: value.exponent + power });
}

/** Rounds to an integer, half away from zero (12345.5 -> 12346, -0.5 -> -1). */
export function toInteger(value: Decimal): bigint {
  if (value.exponent >= 0) return value.coefficient * 10n ** BigInt(value.exponent);
  const divisor = 10n ** BigInt(-value.exponent);
  const quotient = value.coefficient / divisor;
  const remainder = value.coefficient % divisor;
  const magnitude = remainder < 0n ? -remainder : remainder;
  if (magnitude * 2n < divisor) return quotient;
  return value.coefficient < 0n ? quotient - 1n : quotient + 1n;
}

/** Plain decimal text, no exponent, no trailing zeros: what a numeric column takes. */
export function toPlainString(value: Decimal): string {
  const negative = value.coefficient < 0n;
  const digits = (negative ? -value.coefficient : value.coefficient).toString();
  let text: string;
  if (value.exponent >= 0) {
    text = value.coefficient === 0n ? '0' : digits + '0'.repeat(value.exponent);
  } else {
    const places = -value.exponent;
    const padded = digits.padStart(places + 1, '0');
    text = `${padded.slice(0, padded.length - places)}.${padded.slice(padded.length - places)}`;
  }
  return negative && value.coefficient !== 0n ? `-${text}` : text;
}

/** Drops trailing zeros from the coefficient so equal values look alike. */
function normalise(value: Decimal): Decimal {
  if (value.coefficient === 0n) return { coefficient: 0n, exponent: 0 };
  let { coefficient, exponent } = value;
  while (coefficient % 10n === 0n) {
    coefficient /= 10n;
    exponent += 1;
  }
  return { coefficient, exponent };
}
