import { ratio, ratioFromNumber, type Ratio } from '../money/ratio';

/** A meter reading during a session: energy charged since the session started (not the register). */
export interface MeterPoint {
  readonly at: Date;
  /** Cumulative Wh since session start, an integer. */
  readonly energyWh: bigint | number;
  /** Power at this reading, W; when absent the interval's average power is used. */
  readonly powerW?: number;
  /** Current at this reading, A; only needed for min_current/max_current restrictions. */
  readonly currentA?: number;
}

export interface SessionTimeline {
  readonly startedAt: Date;
  /** Session end for a CDR, "now" for a live cost. */
  readonly endedAt: Date;
  readonly meterPoints: readonly MeterPoint[];
}

/** The stretch between two consecutive knots (session start, meter points, session end). */
export interface MeterInterval {
  readonly fromMs: number;
  readonly toMs: number;
  readonly fromWh: bigint;
  readonly toWh: bigint;
  /** The EV drew power: energy went up. An interval with no increase is idle (parking). */
  readonly charging: boolean;
  readonly powerW: Ratio | null;
  readonly currentA: Ratio | null;
}

export class InvalidTimelineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTimelineError';
  }
}

const HOUR_MS = 3_600_000n;

/**
 * Cuts the session into meter intervals. Energy is 0 at the start and constant after the last
 * reading. With `openEnded` (a live cost) nothing is known yet after the last reading, so that
 * stretch keeps the state of the one before it (charging when there is none yet) instead of
 * turning into parking until the next reading arrives.
 */
export function meterIntervals(timeline: SessionTimeline, openEnded: boolean): MeterInterval[] {
  const startMs = timeline.startedAt.getTime();
  const endMs = timeline.endedAt.getTime();
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) throw new InvalidTimelineError('start and end must be valid dates');
  if (endMs < startMs) throw new InvalidTimelineError('the session ends before it starts');

  const knots: { t: number; wh: bigint; powerW: Ratio | null; currentA: Ratio | null }[] = [{ t: startMs, wh: 0n, powerW: null, currentA: null }];
  for (const point of timeline.meterPoints) {
    const t = point.at.getTime();
    const wh = typeof point.energyWh === 'bigint' ? point.energyWh : toBigInt(point.energyWh);
    const last = knots[knots.length - 1]!;
    if (!Number.isFinite(t)) throw new InvalidTimelineError('meter point with an invalid date');
    if (t < startMs || t > endMs) throw new InvalidTimelineError(`meter point at ${point.at.toISOString()} is outside the session`);
    if (t < last.t) throw new InvalidTimelineError('meter points must be in time order');
    if (wh < last.wh) throw new InvalidTimelineError(`energy must not decrease (${wh} Wh after ${last.wh} Wh)`);
    const knot = { t, wh, powerW: optionalRatio(point.powerW), currentA: optionalRatio(point.currentA) };
    if (t === last.t) {
      if (t === startMs && wh !== 0n) throw new InvalidTimelineError('energy at the session start must be 0 Wh (it counts from the start)');
      knots[knots.length - 1] = knot;
    } else {
      knots.push(knot);
    }
  }
  const measuredUntil = knots[knots.length - 1]!;
  if (measuredUntil.t < endMs) knots.push({ t: endMs, wh: measuredUntil.wh, powerW: null, currentA: null });

  const intervals: MeterInterval[] = [];
  for (let i = 1; i < knots.length; i += 1) {
    const from = knots[i - 1]!;
    const to = knots[i]!;
    const trailing = openEnded && i === knots.length - 1 && to.t > measuredUntil.t;
    const previous = intervals[intervals.length - 1];
    const charging = trailing ? (previous?.charging ?? true) : to.wh > from.wh;
    const averageW = ratio((to.wh - from.wh) * HOUR_MS, BigInt(to.t - from.t));
    intervals.push({
      fromMs: from.t,
      toMs: to.t,
      fromWh: from.wh,
      toWh: to.wh,
      charging,
      powerW: trailing ? (previous?.powerW ?? null) : (to.powerW ?? averageW),
      currentA: trailing ? (previous?.currentA ?? null) : to.currentA,
    });
  }
  return intervals;
}

/**
 * Energy at an instant inside an interval, interpolated linearly and floored to whole Wh. Every
 * cut uses the same floor, so the pieces between cuts add up exactly to the interval's energy
 * (the remainder Wh land deterministically in the later pieces).
 */
export function energyAt(interval: MeterInterval, atMs: number): bigint {
  if (atMs <= interval.fromMs) return interval.fromWh;
  if (atMs >= interval.toMs) return interval.toWh;
  const delta = interval.toWh - interval.fromWh;
  return interval.fromWh + (delta * BigInt(atMs - interval.fromMs)) / BigInt(interval.toMs - interval.fromMs);
}

/** The first whole millisecond at which energyAt reaches `thresholdWh` inside the interval, if any. */
export function instantReaching(interval: MeterInterval, thresholdWh: bigint): number | null {
  if (thresholdWh <= interval.fromWh || thresholdWh > interval.toWh) return null;
  const delta = interval.toWh - interval.fromWh;
  const span = BigInt(interval.toMs - interval.fromMs);
  const needed = (thresholdWh - interval.fromWh) * span;
  return interval.fromMs + Number((needed + delta - 1n) / delta);
}

function toBigInt(value: number): bigint {
  if (!Number.isSafeInteger(value)) throw new InvalidTimelineError(`energy must be an integer number of Wh, got ${value}`);
  return BigInt(value);
}

function optionalRatio(value: number | undefined): Ratio | null {
  if (value === undefined) return null;
  const parsed = ratioFromNumber(value);
  if (!parsed) throw new InvalidTimelineError(`not a finite number: ${value}`);
  return parsed;
}
