import {
  buildCdr,
  cdrToJson,
  liveCost,
  priceSession,
  resolveTariff,
  type SessionCost,
  type TariffAssignment,
} from '..';
import { at, cents, idleUntil, steadyCharge, tariffOf } from '../../test/billing.factory';

const AMSTERDAM = 'Europe/Amsterdam';

function periodsSummary(cost: SessionCost) {
  return cost.charging_periods.map((p) => ({
    from: p.start_date_time,
    to: p.end_date_time,
    dims: Object.fromEntries(p.dimensions.map((d) => [d.type, d.volume])),
    cost: cents(p.cost),
  }));
}

describe('billing stories', () => {
  it('a time-of-use session crossing midnight pays the night rate from 22:00 local, across midnight', () => {
    // Night 22:00-06:00 at 0.20/kWh, otherwise 0.30/kWh, 21 % VAT. Winter: Amsterdam is UTC+1.
    const tou = tariffOf({
      elements: [
        { price_components: [{ type: 'ENERGY', price: 0.2, vat: 21, step_size: 1 }], restrictions: { start_time: '22:00', end_time: '06:00' } },
        { price_components: [{ type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 }] },
      ],
    });
    // 21:30 local -> 00:30 local next day; 10 kWh in the first hour, 20 kWh in the next two.
    const cost = priceSession({
      timeZone: AMSTERDAM,
      tariffs: [tou],
      timeline: {
        startedAt: at('2026-01-15T20:30:00Z'),
        endedAt: at('2026-01-15T23:30:00Z'),
        meterPoints: [
          { at: at('2026-01-15T21:30:00Z'), energyWh: 10_000 },
          { at: at('2026-01-15T23:30:00Z'), energyWh: 30_000 },
        ],
      },
    });
    // 22:00 local = 21:00Z cuts the first hour in half: 5 000 Wh at day rate (interpolated).
    //   day:   5 kWh x 0.30 = 1.50
    //   night: 25 kWh x 0.20 = 5.00 (22:00 -> 00:30 local; local midnight does not split it)
    //   excl 6.50; VAT 21 % = 0.315 + 1.05 = 1.365 -> 1.37 (half-up); incl 7.87
    expect(cents(cost.total_cost)).toEqual([650n, 787n]);
    expect(cents(cost.total_energy_cost)).toEqual([650n, 787n]);
    // VAT 137 cents split 31.6 : 105.4 -> 31 + 105, the spare cent to the larger remainder (first).
    expect(periodsSummary(cost)).toEqual([
      { from: '2026-01-15T20:30:00.000Z', to: '2026-01-15T21:00:00.000Z', dims: { ENERGY: 5000n, TIME: 1_800_000n }, cost: [150n, 182n] },
      { from: '2026-01-15T21:00:00.000Z', to: '2026-01-15T23:30:00.000Z', dims: { ENERGY: 25_000n, TIME: 9_000_000n }, cost: [500n, 605n] },
    ]);
  });

  it('the night window ends at 06:00 local the next morning', () => {
    const tou = tariffOf({
      elements: [
        { price_components: [{ type: 'TIME', price: 1, step_size: 0 }], restrictions: { start_time: '22:00', end_time: '06:00' } },
        { price_components: [{ type: 'TIME', price: 4, step_size: 0 }] },
      ],
    });
    // 05:00 -> 07:00 local (04:00Z -> 06:00Z): 1 h x 1.00 + 1 h x 4.00 = 5.00, no VAT.
    const cost = priceSession({
      timeZone: AMSTERDAM,
      tariffs: [tou],
      timeline: { startedAt: at('2026-01-16T04:00:00Z'), endedAt: at('2026-01-16T06:00:00Z'), meterPoints: steadyCharge('2026-01-16T04:00:00Z', '2026-01-16T06:00:00Z', 8000) },
    });
    expect(cents(cost.total_cost)).toEqual([500n, 500n]);
    expect(cost.charging_periods.map((p) => p.start_date_time)).toEqual(['2026-01-16T04:00:00.000Z', '2026-01-16T05:00:00.000Z']);
  });

  it('a session across the spring DST change pays the night rate for the two real hours of a shortened night', () => {
    // 2026-03-29 in Amsterdam: 02:00 CET jumps to 03:00 CEST (01:00Z). Window 00:00-03:00 local
    // is 23:00Z -> 01:00Z: two real hours, not three.
    const tariff = tariffOf({
      elements: [
        { price_components: [{ type: 'TIME', price: 1, step_size: 0 }], restrictions: { start_time: '00:00', end_time: '03:00' } },
        { price_components: [{ type: 'TIME', price: 3, step_size: 0 }] },
      ],
    });
    // 23:00 CET -> 04:00 CEST = 22:00Z -> 02:00Z, four real hours, charging all along.
    const cost = priceSession({
      timeZone: AMSTERDAM,
      tariffs: [tariff],
      timeline: { startedAt: at('2026-03-28T22:00:00Z'), endedAt: at('2026-03-29T02:00:00Z'), meterPoints: steadyCharge('2026-03-28T22:00:00Z', '2026-03-29T02:00:00Z', 40_000) },
    });
    //   22:00Z-23:00Z (23:00-00:00 CET)   1 h x 3.00 = 3.00
    //   23:00Z-01:00Z (00:00-03:00 local) 2 h x 1.00 = 2.00
    //   01:00Z-02:00Z (03:00-04:00 CEST)  1 h x 3.00 = 3.00   -> 8.00
    expect(cents(cost.total_time_cost)).toEqual([800n, 800n]);
    expect(periodsSummary(cost).map((p) => [p.from, p.cost[0]])).toEqual([
      ['2026-03-28T22:00:00.000Z', 300n],
      ['2026-03-28T23:00:00.000Z', 200n],
      ['2026-03-29T01:00:00.000Z', 300n],
    ]);
  });

  it('a session across the autumn DST change pays a repeated local hour twice', () => {
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00Z), so 02:00-03:00 local happens
    // twice: 00:00Z-01:00Z and 01:00Z-02:00Z.
    const tariff = tariffOf({
      elements: [
        { price_components: [{ type: 'TIME', price: 6, step_size: 0 }], restrictions: { start_time: '02:00', end_time: '03:00' } },
        { price_components: [{ type: 'TIME', price: 0.6, step_size: 0 }] },
      ],
    });
    // 02:00 CEST -> 04:00 CET = 00:00Z -> 03:00Z.
    const cost = priceSession({
      timeZone: AMSTERDAM,
      tariffs: [tariff],
      timeline: { startedAt: at('2026-10-25T00:00:00Z'), endedAt: at('2026-10-25T03:00:00Z'), meterPoints: steadyCharge('2026-10-25T00:00:00Z', '2026-10-25T03:00:00Z', 30_000) },
    });
    //   2 h x 6.00 = 12.00 (both 02:00-03:00 hours) + 1 h x 0.60 = 0.60 -> 12.60
    expect(cents(cost.total_cost)).toEqual([1260n, 1260n]);
    expect(cost.charging_periods.map((p) => p.end_date_time)).toEqual(['2026-10-25T02:00:00.000Z', '2026-10-25T03:00:00.000Z']);
  });

  it('an idle fee starts after the grace period once the battery is full', () => {
    const tariff = tariffOf({
      parking_grace_period: 1800,
      elements: [
        {
          price_components: [
            { type: 'ENERGY', price: 0.35, vat: 21, step_size: 1 },
            { type: 'PARKING_TIME', price: 6, vat: 21, step_size: 60 },
          ],
        },
      ],
    });
    // 11 kW from 10:00Z to 12:00Z (22 kWh), then full: connected but drawing nothing until 13:15Z.
    const cost = priceSession({
      timeZone: AMSTERDAM,
      tariffs: [tariff],
      timeline: {
        startedAt: at('2026-05-04T10:00:00Z'),
        endedAt: at('2026-05-04T13:15:00Z'),
        meterPoints: [...steadyCharge('2026-05-04T10:00:00Z', '2026-05-04T12:00:00Z', 22_000, 30), ...idleUntil('2026-05-04T12:00:00Z', '2026-05-04T13:15:00Z', 22_000)],
      },
    });
    //   energy  22 kWh x 0.35 = 7.70, VAT 1.617 -> 1.62
    //   parking 75 min idle - 30 min grace = 45 min = 0.75 h x 6.00 = 4.50, VAT 0.945 -> 0.95
    //   excl 12.20, incl 7.70 + 1.62 + 4.50 + 0.95 = 14.77
    expect(cents(cost.total_energy_cost)).toEqual([770n, 932n]);
    expect(cents(cost.total_parking_cost)).toEqual([450n, 545n]);
    expect(cents(cost.total_cost)).toEqual([1220n, 1477n]);
    expect(cost.total_parking_time_ms).toBe(75n * 60_000n);
    expect(cost.charging_periods.map((p) => [p.end_date_time, p.in_grace_period, p.dimensions.map((d) => d.type).join('+')])).toEqual([
      ['2026-05-04T12:00:00.000Z', false, 'ENERGY+TIME'],
      ['2026-05-04T12:30:00.000Z', true, 'PARKING_TIME'],
      ['2026-05-04T13:15:00.000Z', false, 'PARKING_TIME'],
    ]);
    expect(cents(cost.charging_periods[1]!.cost)).toEqual([0n, 0n]);
  });

  it('residents charge free at their own site, whichever charger they use', () => {
    const assignments: TariffAssignment[] = [
      { tariffId: 'public', scope: { kind: 'default' } },
      { tariffId: 'harbour', scope: { kind: 'site', siteId: 'harbour' } },
      { tariffId: 'harbour-dc', scope: { kind: 'station', stationId: 'CS-DC-1' } },
      { tariffId: 'residents-free', scope: { kind: 'token-group', tokenGroup: 'residents', siteId: 'harbour' } },
      { tariffId: 'employees', scope: { kind: 'token-group', tokenGroup: 'employees' } },
    ];
    const atMs = Date.parse('2026-04-01T18:00:00Z');
    const where = { siteId: 'harbour', stationId: 'CS-DC-1', evseId: 1, connectorId: 1 };
    expect(resolveTariff(assignments, { ...where, tokenGroup: 'residents' }, atMs)?.tariffId).toBe('residents-free');
    expect(resolveTariff(assignments, { ...where, tokenGroup: null }, atMs)?.tariffId).toBe('harbour-dc');
    expect(resolveTariff(assignments, { ...where, stationId: 'CS-AC-7', tokenGroup: 'guests' }, atMs)?.tariffId).toBe('harbour');
    expect(resolveTariff(assignments, { siteId: 'mall', stationId: 'CS-9', tokenGroup: 'residents' }, atMs)?.tariffId).toBe('public');
    expect(resolveTariff(assignments, { siteId: 'mall', stationId: 'CS-9', tokenGroup: 'employees' }, atMs)?.tariffId).toBe('employees');

    const free = tariffOf({ id: 'residents-free', elements: [{ price_components: [{ type: 'ENERGY', price: 0, vat: 21, step_size: 1 }] }] });
    const cdr = buildCdr(
      {
        sessionId: 's-1',
        stationId: 'CS-DC-1',
        siteId: 'harbour',
        tokenUid: 'RFID-1',
        tokenGroup: 'residents',
        startedAt: at('2026-04-01T18:00:00Z'),
        endedAt: at('2026-04-01T19:00:00Z'),
        meterPoints: steadyCharge('2026-04-01T18:00:00Z', '2026-04-01T19:00:00Z', 45_000),
      },
      [free],
      { id: 'cdr-1', timeZone: AMSTERDAM, issuedAt: at('2026-04-01T19:00:05Z') },
    );
    expect(cdr.totalEnergyWh).toBe(45_000n);
    expect(cents(cdr.totalCost)).toEqual([0n, 0n]);
    expect(cdr.tariffs).toEqual([{ id: 'residents-free', version: 1 }]);
  });

  it('a price change mid-session applies from the moment it takes effect', () => {
    const v1 = tariffOf({ id: 'public', version: 1, start_date_time: '2026-01-01T00:00:00Z', elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }] }] });
    const v2 = tariffOf({ id: 'public', version: 2, start_date_time: '2026-02-01T12:15:00Z', elements: [{ price_components: [{ type: 'ENERGY', price: '0.40', step_size: 1 }] }] });
    // 10 kW from 11:00Z to 13:00Z, meter values on the hour; the change at 12:15Z falls between them.
    const cost = priceSession({
      timeZone: AMSTERDAM,
      tariffs: [v2, v1],
      timeline: { startedAt: at('2026-02-01T11:00:00Z'), endedAt: at('2026-02-01T13:00:00Z'), meterPoints: steadyCharge('2026-02-01T11:00:00Z', '2026-02-01T13:00:00Z', 20_000, 60) },
    });
    //   energy at 12:15Z: 10 000 + 10 000 x 15/60 = 12 500 Wh
    //   v1: 12.5 kWh x 0.30 = 3.75; v2: 7.5 kWh x 0.40 = 3.00 -> 6.75
    expect(cents(cost.total_cost)).toEqual([675n, 675n]);
    expect(cost.charging_periods.map((p) => [p.tariff_version, p.dimensions[0]!.volume, p.cost.excl_vat.minor])).toEqual([
      [1, 12_500n, 375n],
      [2, 7_500n, 300n],
    ]);
  });

  describe('step size and price limits', () => {
    const stepped = (vat?: number) =>
      tariffOf({
        min_price: { excl_vat: 2 },
        max_price: { excl_vat: 20 },
        elements: [
          {
            price_components: [
              { type: 'FLAT', price: 0.5, step_size: 0, ...(vat === undefined ? {} : { vat }) },
              { type: 'ENERGY', price: 0.25, step_size: 1000, ...(vat === undefined ? {} : { vat }) },
              { type: 'TIME', price: 1.2, step_size: 900, ...(vat === undefined ? {} : { vat }) },
            ],
          },
        ],
      });

    it('a short session is billed in whole steps and lifted to the minimum price', () => {
      const cost = priceSession({
        timeZone: AMSTERDAM,
        tariffs: [stepped()],
        timeline: { startedAt: at('2026-06-01T10:00:00Z'), endedAt: at('2026-06-01T10:07:00Z'), meterPoints: [{ at: at('2026-06-01T10:07:00Z'), energyWh: 1234 }] },
      });
      //   energy 1 234 Wh -> 2 kWh steps x 0.25 = 0.50; time 7 min -> 15 min = 0.25 h x 1.20 = 0.30
      //   flat 0.50 -> 1.30, below min_price 2.00: adjustment +0.70
      expect(cents(cost.total_energy_cost)).toEqual([50n, 50n]);
      expect(cents(cost.total_time_cost)).toEqual([30n, 30n]);
      expect(cents(cost.total_fixed_cost)).toEqual([50n, 50n]);
      expect(cents(cost.price_limit_adjustment)).toEqual([70n, 70n]);
      expect(cents(cost.total_cost)).toEqual([200n, 200n]);
    });

    it('a long session is capped at the maximum price, VAT recomputed on the cap', () => {
      const cost = priceSession({
        timeZone: AMSTERDAM,
        tariffs: [stepped(21)],
        timeline: { startedAt: at('2026-06-01T08:00:00Z'), endedAt: at('2026-06-01T14:10:00Z'), meterPoints: steadyCharge('2026-06-01T08:00:00Z', '2026-06-01T14:10:00Z', 60_500) },
      });
      //   energy 60.5 kWh -> 61 kWh x 0.25 = 15.25 (VAT 3.2025 -> 3.20)
      //   time 370 min -> 375 min = 6.25 h x 1.20 = 7.50 (VAT 1.575 -> 1.58)
      //   flat 0.50 (VAT 0.105 -> 0.11): 23.25 excl, 28.14 incl
      //   capped at 20.00 excl; VAT 21 % of 20.00 = 4.20 -> 24.20; adjustment -3.25 / -3.94
      expect(cents(cost.total_energy_cost)).toEqual([1525n, 1845n]);
      expect(cents(cost.total_time_cost)).toEqual([750n, 908n]);
      expect(cents(cost.total_fixed_cost)).toEqual([50n, 61n]);
      expect(cents(cost.total_cost)).toEqual([2000n, 2420n]);
      expect(cents(cost.price_limit_adjustment)).toEqual([-325n, -394n]);
      const periodSum = cost.charging_periods.reduce((acc, p) => acc + p.cost.incl_vat.minor, 0n);
      expect(periodSum).toBe(2420n);
    });
  });

  it('tax is computed per component on exact amounts and rounded once', () => {
    const tariff = tariffOf({
      elements: [
        {
          price_components: [
            { type: 'ENERGY', price: 0.2999, vat: 21, step_size: 1 },
            { type: 'FLAT', price: 1, vat: 9, step_size: 0 },
          ],
        },
      ],
    });
    const cdr = buildCdr(
      {
        sessionId: 's-tax',
        stationId: 'CS-1',
        tokenUid: 'RFID-9',
        startedAt: at('2026-07-01T09:00:00Z'),
        endedAt: at('2026-07-01T10:00:00Z'),
        meterPoints: [{ at: at('2026-07-01T10:00:00Z'), energyWh: 12_345 }],
      },
      [tariff],
      { id: 'cdr-tax', timeZone: AMSTERDAM, issuedAt: at('2026-07-01T10:00:01Z') },
    );
    //   energy 12.345 kWh x 0.2999 = 3.7022655 -> 3.70; VAT 21 % = 0.777475755 -> 0.78 -> 4.48
    //   flat 1.00; VAT 9 % = 0.09 -> 1.09
    //   total excl 4.70, incl 5.57
    expect(cents(cdr.totalEnergyCost)).toEqual([370n, 448n]);
    expect(cents(cdr.totalFixedCost)).toEqual([100n, 109n]);
    expect(cents(cdr.totalCost)).toEqual([470n, 557n]);
    expect(JSON.parse(JSON.stringify(cdrToJson(cdr)))).toMatchObject({
      id: 'cdr-tax',
      sessionId: 's-tax',
      stationId: 'CS-1',
      currency: 'EUR',
      totalEnergyWh: 12345,
      totalCost: { excl_vat: 4.7, incl_vat: 5.57 },
      chargingPeriods: [{ tariff_id: 'T', dimensions: [{ type: 'ENERGY', volume: 12.345 }, { type: 'TIME', volume: 1 }, { type: 'FLAT', volume: 1 }] }],
    });
  });

  it('the live cost grows as meter values arrive and ends where the CDR does', () => {
    const tariff = tariffOf({ elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }, { type: 'TIME', price: 1, step_size: 0 }] }] });
    const startedAt = at('2026-08-01T10:00:00Z');
    const points = steadyCharge('2026-08-01T10:00:00Z', '2026-08-01T11:00:00Z', 11_000, 15);
    // After 30 min with readings at 15 and 30 min: 5.5 kWh x 0.30 + 0.5 h x 1.00 = 1.65 + 0.50.
    const half = liveCost({ startedAt, meterPoints: points.slice(0, 2) }, [tariff], AMSTERDAM, at('2026-08-01T10:30:00Z'));
    expect(cents(half.total_cost)).toEqual([215n, 215n]);
    // 10 minutes later, no new reading yet: still charging, time accrues, energy not yet known.
    const later = liveCost({ startedAt, meterPoints: points.slice(0, 2) }, [tariff], AMSTERDAM, at('2026-08-01T10:40:00Z'));
    expect(cents(later.total_cost)).toEqual([232n, 232n]);
    expect(later.total_parking_time_ms).toBe(0n);
    const end = liveCost({ startedAt, meterPoints: points }, [tariff], AMSTERDAM, at('2026-08-01T11:00:00Z'));
    const cdr = priceSession({ timeZone: AMSTERDAM, tariffs: [tariff], timeline: { startedAt, endedAt: at('2026-08-01T11:00:00Z'), meterPoints: points } });
    // 11 kWh x 0.30 + 1 h x 1.00 = 4.30
    expect(cents(end.total_cost)).toEqual([430n, 430n]);
    expect(end).toEqual(cdr);
  });
});
