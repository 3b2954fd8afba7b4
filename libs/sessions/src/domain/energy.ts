/**
 * Energy of a session from its energy register readings (Energy.Active.Import.Register, integer
 * Wh), whatever order they arrived in:
 *
 * - readings are put in time order; at one instant, a 1.6 meterStart comes first and a 1.6
 *   meterStop last (rank), and of several readings with the same time and rank the highest counts;
 * - energy is the sum of the positive steps between consecutive readings. A step down is a meter
 *   reset (a replaced meter, a firmware that restarts its register): it adds nothing, and
 *   counting goes on from the new, lower reading. Energy is never negative, and never decreases
 *   when a reading of a new instant is added, wherever it falls (max(0,a) + max(0,b) >= max(0,a+b)).
 *   A different, higher reading of an instant already counted can lower the sum (it replaces the
 *   lower one); callers keep the stored energy from going down.
 */
export interface RegisterReading {
  /** Epoch milliseconds. */
  readonly at: number;
  /** Order among readings taken at the same instant: 0 meter start, 1 sample, 2 meter stop. */
  readonly rank: number;
  readonly wh: bigint;
}

export const READING_RANK = { meterStart: 0, sample: 1, meterStop: 2 } as const;

export interface EnergyTally {
  readonly energyWh: bigint;
  /** Steps down seen (meter resets). */
  readonly resets: number;
  readonly first: RegisterReading | null;
  readonly last: RegisterReading | null;
}

export const EMPTY_TALLY: EnergyTally = { energyWh: 0n, resets: 0, first: null, last: null };

export function compareReadings(a: RegisterReading, b: RegisterReading): number {
  return a.at - b.at || a.rank - b.rank;
}

/** Time order, one reading per (time, rank): the highest. */
export function collapseReadings(readings: readonly RegisterReading[]): RegisterReading[] {
  const sorted = [...readings].sort(compareReadings);
  const collapsed: RegisterReading[] = [];
  for (const reading of sorted) {
    const previous = collapsed[collapsed.length - 1];
    if (previous && compareReadings(previous, reading) === 0) {
      if (reading.wh > previous.wh) collapsed[collapsed.length - 1] = reading;
    } else {
      collapsed.push(reading);
    }
  }
  return collapsed;
}

/** The tally of a complete set of readings. */
export function tallyEnergy(readings: readonly RegisterReading[]): EnergyTally {
  return fold(EMPTY_TALLY, collapseReadings(readings));
}

/**
 * Adds readings to a running tally when every one of them is strictly later than the last
 * reading counted (the normal case: samples arrive in order). Returns null otherwise: the caller
 * must recount from all readings (tallyEnergy), because an older reading can reveal a reset.
 */
export function extendTally(tally: EnergyTally, readings: readonly RegisterReading[]): EnergyTally | null {
  if (readings.length === 0) return tally;
  const collapsed = collapseReadings(readings);
  const earliest = collapsed[0]!;
  if (tally.last && earliest.at <= tally.last.at) return null;
  return fold(tally, collapsed);
}

function fold(start: EnergyTally, ordered: readonly RegisterReading[]): EnergyTally {
  let { energyWh, resets, first, last } = start;
  for (const reading of ordered) {
    if (last) {
      const step = reading.wh - last.wh;
      if (step > 0n) energyWh += step;
      else if (step < 0n) resets += 1;
    }
    first ??= reading;
    last = reading;
  }
  return { energyWh, resets, first, last };
}
