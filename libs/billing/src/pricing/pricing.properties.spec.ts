import fc from 'fast-check';
import { priceSession, type SessionCost } from '..';
import { scenarioArb, type Scenario } from '../../test/billing.arbitraries';

const ANY = { energyRestrictions: true, steps: true, uniformEnergyComponent: false, uniformVat: false };
/** See README, "Monotonicity": what OCPI semantics allow to be monotone. */
const MONOTONE_IN_TIME = { energyRestrictions: false, steps: false, uniformEnergyComponent: false, uniformVat: true };
const MONOTONE_IN_ENERGY = { energyRestrictions: false, steps: true, uniformEnergyComponent: true, uniformVat: true };

function price(s: Scenario): SessionCost {
  return priceSession(s);
}

describe('pricing properties', () => {
  it('the charging periods add up exactly to the totals: money, energy, time and parking time', () => {
    fc.assert(
      fc.property(scenarioArb(ANY), (s) => {
        const cost = price(s);
        const periods = cost.charging_periods;
        const sumOf = (pick: (i: number) => bigint) => periods.reduce((acc, _, i) => acc + pick(i), 0n);
        expect(sumOf((i) => periods[i]!.cost.excl_vat.minor)).toBe(cost.total_cost.excl_vat.minor);
        expect(sumOf((i) => periods[i]!.cost.incl_vat.minor)).toBe(cost.total_cost.incl_vat.minor);
        const volume = (type: string) => sumOf((i) => periods[i]!.dimensions.find((d) => d.type === type)?.volume ?? 0n);
        expect(volume('ENERGY')).toBe(cost.total_energy_wh);
        expect(volume('TIME') + volume('PARKING_TIME')).toBe(cost.total_time_ms);
        expect(volume('PARKING_TIME')).toBe(cost.total_parking_time_ms);
        expect(volume('FLAT') <= 1n).toBe(true);
        const last = s.timeline.meterPoints[s.timeline.meterPoints.length - 1];
        expect(cost.total_energy_wh).toBe(BigInt(last?.energyWh ?? 0));
        // components + the min/max adjustment are the billed total
        const parts = [cost.total_energy_cost, cost.total_time_cost, cost.total_parking_cost, cost.total_fixed_cost, cost.price_limit_adjustment];
        expect(parts.reduce((acc, p) => acc + p.excl_vat.minor, 0n)).toBe(cost.total_cost.excl_vat.minor);
        expect(parts.reduce((acc, p) => acc + p.incl_vat.minor, 0n)).toBe(cost.total_cost.incl_vat.minor);
        // periods tile the session without gaps or overlaps, and no period costs less than nothing
        periods.forEach((p, i) => {
          expect(p.start_date_time).toBe(i === 0 ? s.timeline.startedAt.toISOString() : periods[i - 1]!.end_date_time);
          expect(p.cost.excl_vat.minor >= 0n && p.cost.incl_vat.minor >= p.cost.excl_vat.minor).toBe(true);
        });
        expect(periods[periods.length - 1]!.end_date_time).toBe(s.timeline.endedAt.toISOString());
      }),
      { numRuns: 300 },
    );
  });

  it('a session that goes on (more time, idle or charging) never costs less', () => {
    fc.assert(
      fc.property(scenarioArb(MONOTONE_IN_TIME), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 20_000 }), (s, extraMin, extraWh) => {
        const before = price(s);
        const end = s.timeline.endedAt.getTime() + extraMin * 60_000;
        const last = s.timeline.meterPoints[s.timeline.meterPoints.length - 1];
        const wh = BigInt(last?.energyWh ?? 0);
        // What happened until the old end stays as measured (a reading at the old end), then more.
        const meterPoints = [...s.timeline.meterPoints, { at: s.timeline.endedAt, energyWh: wh }, { at: new Date(end), energyWh: wh + BigInt(extraWh) }];
        const longer = price({ ...s, timeline: { ...s.timeline, endedAt: new Date(end), meterPoints } });
        expect(longer.total_cost.excl_vat.minor >= before.total_cost.excl_vat.minor).toBe(true);
        expect(longer.total_cost.incl_vat.minor >= before.total_cost.incl_vat.minor).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('more energy in the same time never costs less', () => {
    fc.assert(
      fc.property(scenarioArb(MONOTONE_IN_ENERGY), fc.nat(), fc.integer({ min: 1, max: 50_000 }), (s, pick, extraWh) => {
        const points = s.timeline.meterPoints;
        fc.pre(points.length > 0);
        // Raise the readings from one on: only the interval ending at that reading gains energy.
        const from = pick % points.length;
        const more = points.map((p, i) => (i >= from ? { ...p, energyWh: BigInt(p.energyWh) + BigInt(extraWh) } : p));
        const before = price(s);
        const after = price({ ...s, timeline: { ...s.timeline, meterPoints: more } });
        expect(after.total_energy_wh).toBe(before.total_energy_wh + BigInt(extraWh));
        expect(after.total_energy_cost.excl_vat.minor >= before.total_energy_cost.excl_vat.minor).toBe(true);
        // When that interval was charging already, nothing but its energy changes, so neither
        // can the total go down. (An idle interval that gains energy turns PARKING_TIME into
        // TIME, which may well be cheaper.)
        const wasCharging = BigInt(points[from]!.energyWh) > BigInt(from === 0 ? 0 : points[from - 1]!.energyWh);
        if (wasCharging) {
          expect(after.total_cost.excl_vat.minor >= before.total_cost.excl_vat.minor).toBe(true);
          expect(after.total_cost.incl_vat.minor >= before.total_cost.incl_vat.minor).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
