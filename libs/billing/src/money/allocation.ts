import { compare, floor, fromInteger, mul, div, sub, sum, isZero, type Ratio } from './ratio';

/**
 * Splits an integer total over parts in proportion to non-negative weights so the parts add up
 * to the total exactly (largest remainder): each part gets the floor of its exact share, the
 * units left over go to the largest fractional remainders, ties to the earlier part. With no
 * weight at all, everything goes to the last part.
 */
export function allocate(total: bigint, weights: readonly Ratio[]): bigint[] {
  if (weights.length === 0) {
    if (total !== 0n) throw new RangeError('cannot allocate a non-zero total over no parts');
    return [];
  }
  if (weights.some((w) => w.num < 0n)) throw new RangeError('allocation weights must be non-negative');
  const whole = sum(weights);
  if (isZero(whole)) return weights.map((_, i) => (i === weights.length - 1 ? total : 0n));
  const exact = weights.map((w) => div(mul(fromInteger(total), w), whole));
  const parts = exact.map(floor);
  let left = total - parts.reduce((a, b) => a + b, 0n);
  const order = exact
    .map((share, index) => ({ index, remainder: sub(share, fromInteger(parts[index]!)) }))
    .sort((a, b) => compare(b.remainder, a.remainder) || a.index - b.index);
  for (let i = 0; left > 0n; i = (i + 1) % order.length, left -= 1n) {
    const index = order[i]!.index;
    parts[index] = parts[index]! + 1n;
  }
  return parts;
}
