/**
 * Wall-clock time in a site's IANA time zone, from the platform's Intl data (no time-zone
 * library). Tariff restrictions speak local time ("22:00", "2026-03-29", SATURDAY); the engine
 * speaks instants (epoch milliseconds). Local -> instant is not a function around DST changes
 * (02:30 happens twice in October, never in March), so the engine asks for *every* instant with
 * a given wall time plus every offset change, and evaluates restrictions on instants only.
 */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** 0..23 */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Minutes since local midnight, 0..1439. */
  readonly minuteOfDay: number;
  /** 'YYYY-MM-DD' */
  readonly date: string;
  /** 1 = Monday .. 7 = Sunday (ISO 8601). */
  readonly isoWeekday: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

export class UnknownTimeZoneError extends Error {
  constructor(readonly timeZone: string) {
    super(`unknown IANA time zone: ${JSON.stringify(timeZone)}`);
    this.name = 'UnknownTimeZoneError';
  }
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    try {
      found = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new UnknownTimeZoneError(timeZone);
    }
    formatters.set(timeZone, found);
  }
  return found;
}

export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function wallClock(instantMs: number, timeZone: string): WallClock {
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instantMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = fields;
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { year, month, day, hour, minute, second, minuteOfDay: hour * 60 + minute, date, isoWeekday: weekday === 0 ? 7 : weekday };
}

/** Local time minus UTC at an instant, in milliseconds (+3_600_000 for CET). */
export function offsetAt(instantMs: number, timeZone: string): number {
  const w = wallClock(instantMs, timeZone);
  const wholeSecond = instantMs - (((instantMs % 1000) + 1000) % 1000);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - wholeSecond;
}

/**
 * Every instant whose local wall time is `minuteOfDay` on the local date `date` ('YYYY-MM-DD'):
 * one normally, two in a repeated hour (DST end), none in a skipped hour (DST start).
 */
export function instantsAtWallTime(date: string, minuteOfDay: number, timeZone: string): number[] {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const asIfUtc = Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE_MS;
  const offsets = new Set([offsetAt(asIfUtc - DAY_MS, timeZone), offsetAt(asIfUtc, timeZone), offsetAt(asIfUtc + DAY_MS, timeZone)]);
  const found = new Set<number>();
  for (const offset of offsets) {
    const candidate = asIfUtc - offset;
    if (offsetAt(candidate, timeZone) === offset) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * Instants in (fromMs, toMs] where the zone's UTC offset changes, to the millisecond. Sampled
 * every 6 hours (zones change offset at most a few times a year), then bisected.
 */
export function offsetChanges(fromMs: number, toMs: number, timeZone: string): number[] {
  const changes: number[] = [];
  const step = 6 * 60 * MINUTE_MS;
  let left = fromMs;
  let leftOffset = offsetAt(left, timeZone);
  while (left < toMs) {
    const right = Math.min(left + step, toMs);
    const rightOffset = offsetAt(right, timeZone);
    if (rightOffset !== leftOffset) {
      let lo = left;
      let hi = right;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(mid, timeZone) === leftOffset) lo = mid;
        else hi = mid;
      }
      changes.push(hi);
    }
    left = right;
    leftOffset = rightOffset;
  }
  return changes;
}

/** The local dates ('YYYY-MM-DD') from the day before `fromMs` to the day after `toMs`. */
export function localDatesAround(fromMs: number, toMs: number, timeZone: string): string[] {
  const first = wallClock(fromMs, timeZone);
  const last = wallClock(toMs, timeZone);
  const dates: string[] = [];
  const end = Date.UTC(last.year, last.month - 1, last.day) + DAY_MS;
  for (let day = Date.UTC(first.year, first.month - 1, first.day) - DAY_MS; day <= end; day += DAY_MS) {
    dates.push(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}
