import { DEFAULT_PHASES, NOMINAL_VOLTAGE, type ProfilePurpose, type SchedulePeriod, type SimChargingProfile } from './charging-profile.model';

const DAY_MS = 86_400_000;
const CYCLE_MS = { Daily: DAY_MS, Weekly: 7 * DAY_MS } as const;

/** The transaction a connector is running, as the profiles see it. */
export interface TransactionContext {
  readonly startedAtMs: number;
  readonly transactionId: string | undefined;
}

export interface CompositePeriod {
  readonly startPeriod: number;
  readonly limitW: number;
}

export function toWatts(limit: number, unit: 'W' | 'A', phases: number = DEFAULT_PHASES): number {
  return unit === 'W' ? limit : limit * NOMINAL_VOLTAGE * phases;
}

export function fromWatts(watts: number, unit: 'W' | 'A', phases: number = DEFAULT_PHASES): number {
  // 1.6 limits are multipleOf 0.1: one decimal is what the schema allows.
  const value = unit === 'W' ? watts : watts / (NOMINAL_VOLTAGE * phases);
  return Math.round(value * 10) / 10;
}

/** When a profile's schedule starts, for the cycle that contains `atMs`; undefined if it has not. */
function scheduleStart(profile: SimChargingProfile, atMs: number, tx: TransactionContext | undefined): number | undefined {
  switch (profile.kind) {
    case 'Relative':
      return tx?.startedAtMs;
    case 'Absolute':
      return profile.schedule.startScheduleMs ?? profile.validFromMs ?? tx?.startedAtMs;
    case 'Recurring': {
      const anchor = profile.schedule.startScheduleMs ?? profile.validFromMs;
      if (anchor === undefined) return undefined;
      const cycle = CYCLE_MS[profile.recurrency ?? 'Daily'];
      return anchor + Math.floor((atMs - anchor) / cycle) * cycle;
    }
  }
}

function periodAt(periods: readonly SchedulePeriod[], offsetS: number): SchedulePeriod | undefined {
  let found: SchedulePeriod | undefined;
  for (const period of periods) if (period.startPeriod <= offsetS) found = period;
  return found;
}

/** The profile's limit in W at `atMs`, or undefined where its schedule says nothing. */
export function profileLimitW(profile: SimChargingProfile, atMs: number, tx: TransactionContext | undefined): number | undefined {
  if (profile.validFromMs !== undefined && atMs < profile.validFromMs) return undefined;
  if (profile.validToMs !== undefined && atMs >= profile.validToMs) return undefined;
  const start = scheduleStart(profile, atMs, tx);
  if (start === undefined || atMs < start) return undefined;
  const offsetS = (atMs - start) / 1000;
  if (profile.schedule.durationS !== undefined && offsetS >= profile.schedule.durationS) return undefined;
  const period = periodAt(profile.schedule.periods, offsetS);
  return period ? toWatts(period.limit, profile.schedule.unit, period.numberPhases) : undefined;
}

/**
 * The charging profiles a station holds and the limit they put on each connector. Per purpose the
 * profile with the highest stack level that has something to say at that moment wins (a
 * connector's own before the station-wide one at the same level); a TxProfile replaces the
 * TxDefaultProfile; station-wide maxima cap the result. A station maximum is applied to each
 * connector on its own rather than shared between them: a simplification real chargers differ on.
 */
export class ChargingProfileStore {
  private profiles: SimChargingProfile[] = [];

  all(): readonly SimChargingProfile[] {
    return this.profiles;
  }

  /** Installs a profile, replacing one with the same id, or the same purpose + stack level + connector. */
  set(profile: SimChargingProfile): void {
    this.profiles = this.profiles.filter(
      (p) => p.id !== profile.id && !(p.purpose === profile.purpose && p.stackLevel === profile.stackLevel && p.connectorId === profile.connectorId),
    );
    this.profiles.push(profile);
  }

  /** Removes matching profiles; returns how many. */
  clear(match: (profile: SimChargingProfile) => boolean): number {
    const before = this.profiles.length;
    this.profiles = this.profiles.filter((p) => !match(p));
    return before - this.profiles.length;
  }

  /** TxProfiles end with their transaction. */
  transactionEnded(connectorId: number): void {
    this.clear((p) => p.purpose === 'Tx' && p.connectorId === connectorId);
  }

  limitW(connectorId: number, atMs: number, tx: TransactionContext | undefined): number | undefined {
    const txLimit = this.purposeLimit('Tx', connectorId, atMs, tx) ?? this.purposeLimit('TxDefault', connectorId, atMs, tx);
    const caps = [txLimit, this.purposeLimit('StationMax', 0, atMs, tx), this.purposeLimit('External', connectorId, atMs, tx)].filter(
      (limit): limit is number => limit !== undefined,
    );
    return caps.length ? Math.min(...caps) : undefined;
  }

  /**
   * The limits from `fromMs` for `durationS`, as periods where the limit changes, capped by the
   * connector's own maximum (so a connector without profiles reports that maximum).
   */
  composite(connectorId: number, fromMs: number, durationS: number, connectorMaxW: number, tx: TransactionContext | undefined): CompositePeriod[] {
    const endMs = fromMs + durationS * 1000;
    const points = new Set<number>([fromMs]);
    for (const profile of this.profiles) {
      for (const at of this.boundaries(profile, fromMs, endMs, tx)) if (at > fromMs && at < endMs) points.add(at);
    }
    const periods: CompositePeriod[] = [];
    for (const at of [...points].sort((a, b) => a - b)) {
      const limitW = Math.min(connectorMaxW, this.limitW(connectorId, at, tx) ?? connectorMaxW);
      if (periods.at(-1)?.limitW === limitW) continue;
      periods.push({ startPeriod: Math.round((at - fromMs) / 1000), limitW });
    }
    return periods;
  }

  private purposeLimit(purpose: ProfilePurpose, connectorId: number, atMs: number, tx: TransactionContext | undefined): number | undefined {
    if (purpose === 'Tx' && !tx) return undefined;
    const candidates = this.profiles
      .filter((p) => p.purpose === purpose && (p.connectorId === connectorId || p.connectorId === 0))
      .filter((p) => purpose !== 'Tx' || p.transactionId === undefined || p.transactionId === tx?.transactionId)
      .sort((a, b) => b.stackLevel - a.stackLevel || b.connectorId - a.connectorId);
    for (const profile of candidates) {
      const limit = profileLimitW(profile, atMs, tx);
      if (limit !== undefined) return limit;
    }
    return undefined;
  }

  /** Moments in [fromMs, endMs) where this profile's limit may change. */
  private boundaries(profile: SimChargingProfile, fromMs: number, endMs: number, tx: TransactionContext | undefined): number[] {
    const result: number[] = [];
    if (profile.validFromMs !== undefined) result.push(profile.validFromMs);
    if (profile.validToMs !== undefined) result.push(profile.validToMs);
    const cycle = profile.kind === 'Recurring' ? CYCLE_MS[profile.recurrency ?? 'Daily'] : undefined;
    let start = scheduleStart(profile, fromMs, tx);
    // A recurring schedule repeats; others are looked at once. Bounded: a week of daily cycles at most.
    for (let cycles = 0; start !== undefined && start < endMs && cycles < 8; cycles++) {
      for (const period of profile.schedule.periods) result.push(start + period.startPeriod * 1000);
      if (profile.schedule.durationS !== undefined) result.push(start + profile.schedule.durationS * 1000);
      if (cycle === undefined) break;
      start += cycle;
    }
    return result;
  }
}
