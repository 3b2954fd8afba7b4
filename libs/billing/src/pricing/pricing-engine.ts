import { allocate } from '../money/allocation';
import type { CurrencyCode } from '../money/currency';
import { addPrice, negatePrice, price, roundToMinor, sumPrices, toMajorRatio, zeroPrice, type Money, type Price } from '../money/money';
import { add, div, fromInteger, isZero, mul, ratio, sum, ZERO, type Ratio } from '../money/ratio';
import { restrictionsHold, type RestrictionContext } from '../tariff/tariff-restrictions';
import type { PriceComponent, Tariff, TariffDimensionType } from '../tariff/tariff.model';
import { assertTimeZone, instantsAtWallTime, localDatesAround, offsetChanges, wallClock } from '../time/zoned-time';
import type { ChargingPeriod, CdrDimension, SessionCost } from './charging-period.model';
import { energyAt, instantReaching, meterIntervals, type MeterInterval, type SessionTimeline } from './session-timeline';

export interface PricingInput {
  readonly timeline: SessionTimeline;
  /** The site's IANA time zone: restrictions are local wall-clock time there. */
  readonly timeZone: string;
  /** The versions of the session's tariff; at each instant the latest one in effect applies. */
  readonly tariffs: readonly Tariff[];
  /** Live cost: the stretch after the last meter point keeps its charging state. */
  readonly openEnded?: boolean;
}

export class NoTariffInEffectError extends Error {
  constructor(atMs: number) {
    super(`no tariff version is in effect at ${new Date(atMs).toISOString()}`);
    this.name = 'NoTariffInEffectError';
  }
}

type MeteredDimension = 'ENERGY' | 'TIME' | 'PARKING_TIME';
const METERED: readonly MeteredDimension[] = ['ENERGY', 'TIME', 'PARKING_TIME'];
const HOUR_MS = 3_600_000n;

interface Match {
  readonly elementIndex: number;
  readonly component: PriceComponent;
}

/** A stretch of the session in which nothing that affects the price changes. */
interface Piece {
  readonly fromMs: number;
  toMs: number;
  energyWh: bigint;
  readonly charging: boolean;
  readonly inGrace: boolean;
  readonly tariff: Tariff;
  readonly matches: Partial<Record<MeteredDimension, Match>>;
  flat: Match | null;
}

/**
 * Prices a session. Time is cut at every instant where the price can change (meter points,
 * tariff versions, local restriction edges incl. DST, duration and energy thresholds, the end of
 * a parking grace period); each piece takes, per dimension, the first element whose
 * restrictions hold at its start. Amounts stay exact until rounding (README, "Rounding").
 */
export function priceSession(input: PricingInput): SessionCost {
  assertTimeZone(input.timeZone);
  const versions = orderedVersions(input.tariffs);
  const currency = versions[0]!.currency;
  const startMs = input.timeline.startedAt.getTime();
  const endMs = input.timeline.endedAt.getTime();
  const intervals = meterIntervals(input.timeline, input.openEnded ?? false);
  const versionAt = (atMs: number): Tariff => {
    const found = versionInEffect(versions, atMs);
    if (!found) throw new NoTariffInEffectError(atMs);
    return found;
  };

  const graceEnds = idleStretches(intervals).map(({ fromMs }) => fromMs + versionAt(fromMs).parkingGracePeriodS * 1000);
  const cuts = cutInstants(startMs, endMs, input.timeZone, versions, intervals, graceEnds);
  const pieces = slice(cuts, intervals, graceEnds, startMs, input.timeZone, versionAt);
  const periods = merge(pieces);
  return costOf(periods, versionAt(startMs), currency, startMs, endMs);
}

function orderedVersions(tariffs: readonly Tariff[]): Tariff[] {
  if (tariffs.length === 0) throw new RangeError('at least one tariff version is needed');
  const currency = tariffs[0]!.currency;
  if (tariffs.some((t) => t.currency !== currency)) throw new RangeError('all tariff versions of a session must use one currency');
  return [...tariffs].sort((a, b) => (a.validFrom ?? -Infinity) - (b.validFrom ?? -Infinity) || a.version - b.version);
}

/** The version that took effect last among those in effect (a price change applies from its start). */
function versionInEffect(ordered: readonly Tariff[], atMs: number): Tariff | null {
  for (let i = ordered.length - 1; i >= 0; i -= 1) {
    const v = ordered[i]!;
    if ((v.validFrom ?? -Infinity) <= atMs && (v.validUntil ?? Infinity) > atMs) return v;
  }
  return null;
}

/** Maximal runs of idle meter intervals: each gets its own parking grace period. */
function idleStretches(intervals: readonly MeterInterval[]): { fromMs: number; toMs: number }[] {
  const stretches: { fromMs: number; toMs: number }[] = [];
  for (const interval of intervals) {
    if (interval.charging) continue;
    const last = stretches[stretches.length - 1];
    if (last && last.toMs === interval.fromMs) last.toMs = interval.toMs;
    else stretches.push({ fromMs: interval.fromMs, toMs: interval.toMs });
  }
  return stretches;
}

function cutInstants(
  startMs: number,
  endMs: number,
  timeZone: string,
  versions: readonly Tariff[],
  intervals: readonly MeterInterval[],
  graceEnds: readonly number[],
): number[] {
  const cuts = new Set<number>([startMs, endMs]);
  for (const interval of intervals) cuts.add(interval.fromMs);
  for (const end of graceEnds) cuts.add(end);
  const wallMinutes = new Set<number>([0]);
  const energyThresholds = new Set<bigint>();
  for (const version of versions) {
    if (version.validFrom !== null) cuts.add(version.validFrom);
    if (version.validUntil !== null) cuts.add(version.validUntil);
    for (const { restrictions: r } of version.elements) {
      if (!r) continue;
      if (r.startMinute !== null) wallMinutes.add(r.startMinute);
      if (r.endMinute !== null) wallMinutes.add(r.endMinute);
      if (r.minDurationS !== null) cuts.add(startMs + r.minDurationS * 1000);
      if (r.maxDurationS !== null) cuts.add(startMs + r.maxDurationS * 1000);
      // Energy so far is a whole number of Wh, so "at least 1.5 Wh" first holds at 2 Wh.
      if (r.minEnergyWh) energyThresholds.add(ceilWh(r.minEnergyWh));
      if (r.maxEnergyWh) energyThresholds.add(ceilWh(r.maxEnergyWh));
    }
  }
  // Every instant showing a restriction's wall time, and every offset change: a window edge
  // that falls in a skipped hour takes effect at the jump.
  for (const date of localDatesAround(startMs, endMs, timeZone)) {
    for (const minute of wallMinutes) for (const at of instantsAtWallTime(date, minute, timeZone)) cuts.add(at);
  }
  for (const at of offsetChanges(startMs, endMs, timeZone)) cuts.add(at);
  for (const threshold of energyThresholds) {
    for (const interval of intervals) {
      const at = instantReaching(interval, threshold);
      if (at !== null) cuts.add(at);
    }
  }
  return [...cuts].filter((t) => t >= startMs && t <= endMs).sort((a, b) => a - b);
}

function ceilWh(value: Ratio): bigint {
  return (value.num + value.den - 1n) / value.den;
}

function slice(
  cuts: readonly number[],
  intervals: readonly MeterInterval[],
  graceEnds: readonly number[],
  startMs: number,
  timeZone: string,
  versionAt: (atMs: number) => Tariff,
): Piece[] {
  const stretches = idleStretches(intervals);
  // A session that ends as it starts still has one (empty) piece, so a FLAT fee can apply.
  const bounds = cuts.length === 1 ? [cuts[0]!, cuts[0]!] : cuts;
  const pieces: Piece[] = [];
  let flatCharged = false;
  let i = 0;
  for (let c = 1; c < bounds.length; c += 1) {
    const fromMs = bounds[c - 1]!;
    const toMs = bounds[c]!;
    while (i < intervals.length - 1 && intervals[i]!.toMs <= fromMs) i += 1;
    const interval: MeterInterval = intervals[i] ?? { fromMs, toMs, fromWh: 0n, toWh: 0n, charging: false, powerW: null, currentA: null };
    const tariff = versionAt(fromMs);
    const stretch = stretches.findIndex((s) => s.fromMs <= fromMs && fromMs < s.toMs);
    const inGrace = !interval.charging && stretch >= 0 && fromMs < graceEnds[stretch]!;
    const ctx: RestrictionContext = {
      wall: wallClock(fromMs, timeZone),
      energyWh: energyAt(interval, fromMs),
      elapsedMs: fromMs - startMs,
      powerW: interval.powerW,
      currentA: interval.currentA,
    };
    const dims: MeteredDimension[] = interval.charging ? ['ENERGY', 'TIME'] : inGrace ? [] : ['PARKING_TIME'];
    const matches: Partial<Record<MeteredDimension, Match>> = {};
    for (const dim of dims) {
      const match = firstMatch(tariff, dim, ctx);
      if (match) matches[dim] = match;
    }
    const flat: Match | null = flatCharged ? null : firstMatch(tariff, 'FLAT', ctx);
    flatCharged ||= flat !== null;
    pieces.push({ fromMs, toMs, energyWh: energyAt(interval, toMs) - ctx.energyWh, charging: interval.charging, inGrace, tariff, matches, flat });
  }
  return pieces;
}

/** OCPI: elements are tried in order; the first whose restrictions hold and that prices the dimension wins. */
function firstMatch(tariff: Tariff, dim: TariffDimensionType, ctx: RestrictionContext): Match | null {
  for (const [elementIndex, element] of tariff.elements.entries()) {
    const component = element.priceComponents.find((c) => c.type === dim);
    if (component && restrictionsHold(element.restrictions, ctx)) return { elementIndex, component };
  }
  return null;
}

/** Joins neighbouring pieces priced alike, so a period is what OCPI means by one. */
function merge(pieces: readonly Piece[]): Piece[] {
  const periods: Piece[] = [];
  for (const piece of pieces) {
    const last = periods[periods.length - 1];
    if (last && sameTerms(last, piece)) {
      last.toMs = piece.toMs;
      last.energyWh += piece.energyWh;
      last.flat ??= piece.flat;
    } else {
      periods.push({ ...piece });
    }
  }
  return periods;
}

function sameTerms(a: Piece, b: Piece): boolean {
  return (
    a.tariff === b.tariff &&
    a.charging === b.charging &&
    a.inGrace === b.inGrace &&
    METERED.every((dim) => a.matches[dim]?.elementIndex === b.matches[dim]?.elementIndex)
  );
}

function volumeOf(piece: Piece, dim: MeteredDimension): bigint {
  return dim === 'ENERGY' ? piece.energyWh : BigInt(piece.toMs - piece.fromMs);
}

/** Price per unit of volume: per kWh over Wh, per hour over ms. */
function amountFor(component: PriceComponent, dim: MeteredDimension, volume: bigint): Ratio {
  return mul(component.price, ratio(volume, dim === 'ENERGY' ? 1000n : HOUR_MS));
}

function vatOf(component: PriceComponent, amount: Ratio): Ratio {
  return component.vat ? mul(amount, div(component.vat, fromInteger(100))) : ZERO;
}

/** OCPI step_size unit in our base units: Wh for energy, seconds (as ms) for time. */
function stepOf(component: PriceComponent, dim: MeteredDimension): bigint {
  return BigInt(component.stepSize) * (dim === 'ENERGY' ? 1n : 1000n);
}

type CostDimension = MeteredDimension | 'FLAT';
const COST_DIMENSIONS: readonly CostDimension[] = ['ENERGY', 'TIME', 'PARKING_TIME', 'FLAT'];

function costOf(periods: readonly Piece[], startTariff: Tariff, currency: CurrencyCode, startMs: number, endMs: number): SessionCost {
  // Exact amounts per period and cost dimension, excl. VAT and VAT itself.
  const excl = periods.map(() => new Map<CostDimension, Ratio>());
  const vat = periods.map(() => new Map<CostDimension, Ratio>());
  const book = (index: number, dim: CostDimension, component: PriceComponent, amount: Ratio): void => {
    excl[index]!.set(dim, add(excl[index]!.get(dim) ?? ZERO, amount));
    vat[index]!.set(dim, add(vat[index]!.get(dim) ?? ZERO, vatOf(component, amount)));
  };
  periods.forEach((period, index) => {
    for (const dim of METERED) {
      const match = period.matches[dim];
      if (match) book(index, dim, match.component, amountFor(match.component, dim, volumeOf(period, dim)));
    }
    if (period.flat) book(index, 'FLAT', period.flat.component, period.flat.component.price);
  });
  // OCPI step_size: the dimension's session total is rounded up to the step of its last priced
  // period, and the extra volume is billed at that period's price.
  for (const dim of METERED) {
    let last = -1;
    let total = 0n;
    periods.forEach((period, index) => {
      if (!period.matches[dim]) return;
      total += volumeOf(period, dim);
      last = index;
    });
    const component = last >= 0 ? periods[last]!.matches[dim]!.component : null;
    const step = component ? stepOf(component, dim) : 0n;
    if (component && step > 0n && total % step !== 0n) book(last, dim, component, amountFor(component, dim, step - (total % step)));
  }

  // Rounding: once per cost dimension for the session, half-up; VAT likewise, from exact VAT.
  const exactOf = (maps: Map<CostDimension, Ratio>[], dim: CostDimension): Ratio => sum(maps.map((m) => m.get(dim) ?? ZERO));
  const byDimension = new Map<CostDimension, Price>();
  for (const dim of COST_DIMENSIONS) {
    const exclMoney = roundToMinor(exactOf(excl, dim), currency);
    const vatMoney = roundToMinor(exactOf(vat, dim), currency);
    byDimension.set(dim, price(exclMoney, { minor: exclMoney.minor + vatMoney.minor, currency }));
  }
  const components = sumPrices(byDimension.values(), currency);
  const total = applyPriceLimits(components, startTariff, sum(excl.flatMap((m) => [...m.values()])), sum(vat.flatMap((m) => [...m.values()])), currency);

  // Each period's share of the billed total, in proportion to its exact amounts.
  const exclShares = allocate(total.excl_vat.minor, excl.map((m) => sum(m.values())));
  const vatShares = allocate(total.incl_vat.minor - total.excl_vat.minor, vat.map((m) => sum(m.values())));
  const chargingPeriods: ChargingPeriod[] = periods.map((period, index) => ({
    start_date_time: new Date(period.fromMs).toISOString(),
    end_date_time: new Date(period.toMs).toISOString(),
    dimensions: dimensionsOf(period),
    tariff_id: period.tariff.id,
    tariff_version: period.tariff.version,
    in_grace_period: period.inGrace,
    cost: price({ minor: exclShares[index]!, currency }, { minor: exclShares[index]! + vatShares[index]!, currency }),
  }));

  const zero = zeroPrice(currency);
  return {
    currency,
    charging_periods: chargingPeriods,
    total_cost: total,
    total_energy_cost: byDimension.get('ENERGY') ?? zero,
    total_time_cost: byDimension.get('TIME') ?? zero,
    total_parking_cost: byDimension.get('PARKING_TIME') ?? zero,
    total_fixed_cost: byDimension.get('FLAT') ?? zero,
    price_limit_adjustment: addPrice(total, negatePrice(components)),
    total_energy_wh: periods.reduce((acc, p) => acc + p.energyWh, 0n),
    total_time_ms: BigInt(endMs - startMs),
    total_parking_time_ms: periods.reduce((acc, p) => acc + (p.charging ? 0n : BigInt(p.toMs - p.fromMs)), 0n),
  };
}

/**
 * min_price/max_price (of the version in effect at the session start) bound the total excl.
 * VAT; VAT is then recomputed at the session's effective VAT rate (exact VAT / exact amount),
 * or the rate of the tariff's first price component when nothing else was charged.
 */
function applyPriceLimits(components: Price, tariff: Tariff, exactExcl: Ratio, exactVat: Ratio, currency: CurrencyCode): Price {
  const limited = clamp(components.excl_vat.minor, tariff.minPrice, tariff.maxPrice);
  if (limited === components.excl_vat.minor) return components;
  const firstVat = tariff.elements[0]?.priceComponents[0]?.vat ?? null;
  const rate = !isZero(exactExcl) ? div(exactVat, exactExcl) : firstVat ? div(firstVat, fromInteger(100)) : ZERO;
  const exclMoney: Money = { minor: limited, currency };
  const vatMoney = roundToMinor(mul(toMajorRatio(exclMoney), rate), currency);
  return price(exclMoney, { minor: limited + vatMoney.minor, currency });
}

function clamp(value: bigint, min: Money | null, max: Money | null): bigint {
  if (min && value < min.minor) return min.minor;
  if (max && value > max.minor) return max.minor;
  return value;
}

function dimensionsOf(period: Piece): CdrDimension[] {
  const duration = BigInt(period.toMs - period.fromMs);
  const dims: CdrDimension[] = period.charging
    ? [
        { type: 'ENERGY', volume: period.energyWh },
        { type: 'TIME', volume: duration },
      ]
    : [{ type: 'PARKING_TIME', volume: duration }];
  if (period.flat) dims.push({ type: 'FLAT', volume: 1n });
  return dims;
}
