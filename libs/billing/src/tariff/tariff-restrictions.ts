import { compare, fromInteger, type Ratio } from '../money/ratio';
import type { WallClock } from '../time/zoned-time';
import type { TariffRestrictions } from './tariff.model';

/** What is known at the start of a stretch of a session, where restrictions are evaluated. */
export interface RestrictionContext {
  readonly wall: WallClock;
  /** Energy charged since the session started, Wh. */
  readonly energyWh: bigint;
  /** Time since the session started, ms. */
  readonly elapsedMs: number;
  /** Power drawn in this stretch; null when unknown. */
  readonly powerW: Ratio | null;
  /** Current drawn in this stretch; null when unknown. */
  readonly currentA: Ratio | null;
}

/**
 * Whether an element's restrictions hold. All present restrictions must hold (OCPI). A session
 * is never a reservation, so reservation-restricted elements never apply here; a current
 * restriction with no current measured does not hold (a price must not apply on a guess).
 */
export function restrictionsHold(r: TariffRestrictions | null, ctx: RestrictionContext): boolean {
  if (!r) return true;
  if (r.reservation) return false;
  if (!inTimeWindow(r.startMinute, r.endMinute, ctx.wall.minuteOfDay)) return false;
  if (r.startDate && ctx.wall.date < r.startDate) return false;
  if (r.endDate && ctx.wall.date >= r.endDate) return false;
  if (r.isoWeekdays && !r.isoWeekdays.includes(ctx.wall.isoWeekday)) return false;
  const energy = fromInteger(ctx.energyWh);
  if (r.minEnergyWh && compare(energy, r.minEnergyWh) < 0) return false;
  if (r.maxEnergyWh && compare(energy, r.maxEnergyWh) >= 0) return false;
  if (r.minDurationS !== null && ctx.elapsedMs < r.minDurationS * 1000) return false;
  if (r.maxDurationS !== null && ctx.elapsedMs >= r.maxDurationS * 1000) return false;
  if (!inRange(ctx.powerW, r.minPowerW, r.maxPowerW)) return false;
  return inRange(ctx.currentA, r.minCurrentA, r.maxCurrentA);
}

/** [start, end) in minutes of the local day; end before start wraps past midnight (22:00-06:00). */
export function inTimeWindow(start: number | null, end: number | null, minute: number): boolean {
  if (start === null && end === null) return true;
  if (start === null) return minute < end!;
  if (end === null) return minute >= start;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** OCPI: minimum inclusive, maximum exclusive. */
function inRange(value: Ratio | null, min: Ratio | null, max: Ratio | null): boolean {
  if (!min && !max) return true;
  if (!value) return false;
  if (min && compare(value, min) < 0) return false;
  return !(max && compare(value, max) >= 0);
}
