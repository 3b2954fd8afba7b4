import { parseTariff, type MeterPoint, type Tariff } from '../src';

/** A validated tariff from OCPI JSON; id "T" and EUR unless given. */
export function tariffOf(json: Record<string, unknown>): Tariff {
  return parseTariff({ id: 'T', currency: 'EUR', ...json });
}

export function at(iso: string): Date {
  return new Date(iso);
}

/**
 * Meter points of a steady charge: `wh` Wh spread evenly from `from` to `to`, one point every
 * `everyMinutes`, plus one at `to`. Energy counts from `startWh` (what was charged before).
 */
export function steadyCharge(from: string, to: string, wh: number, everyMinutes = 15, startWh = 0): MeterPoint[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const points: MeterPoint[] = [];
  for (let t = start + everyMinutes * 60_000; t < end; t += everyMinutes * 60_000) {
    points.push({ at: new Date(t), energyWh: startWh + Math.floor((wh * (t - start)) / (end - start)) });
  }
  points.push({ at: new Date(end), energyWh: startWh + wh });
  return points;
}

/** Readings that stay put: the EV is connected but draws nothing (battery full). */
export function idleUntil(from: string, to: string, wh: number, everyMinutes = 15): MeterPoint[] {
  const points: MeterPoint[] = [];
  for (let t = Date.parse(from) + everyMinutes * 60_000; t <= Date.parse(to); t += everyMinutes * 60_000) points.push({ at: new Date(t), energyWh: wh });
  return points;
}

/** Cents of a Price, for terse assertions. */
export function cents(p: { excl_vat: { minor: bigint }; incl_vat: { minor: bigint } }): [bigint, bigint] {
  return [p.excl_vat.minor, p.incl_vat.minor];
}
