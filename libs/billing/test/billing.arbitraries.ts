import fc from 'fast-check';
import { DAYS_OF_WEEK, parseTariff, type MeterPoint, type SessionTimeline, type Tariff } from '../src';

/** Zones with DST in either hemisphere, a 30-minute DST shift (Lord Howe), none, and a half-hour offset. */
export const zoneArb = fc.constantFrom('Europe/Amsterdam', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC');

/** Non-negative decimal prices as OCPI text, with up to 6 decimals. */
export const priceArb = fc
  .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 6 }))
  .map(([whole, fraction, places]) => (places === 0 ? `${whole}` : `${whole}.${String(fraction).padStart(6, '0').slice(0, places)}`));

const stepArb = fc.constantFrom(0, 1, 60, 300, 500, 900, 1000, 3600);
const vatArb = fc.option(fc.constantFrom(0, 6, 9, 19, 21, 25.5), { nil: undefined });
const hhmm = fc.integer({ min: 0, max: 47 }).map((half) => `${String(Math.floor(half / 2)).padStart(2, '0')}:${half % 2 ? '30' : '00'}`);

export interface TariffShape {
  /** Restrictions on energy so far and power (they make cost depend on energy non-monotonically). */
  readonly energyRestrictions: boolean;
  /** step_size > 1 allowed. */
  readonly steps: boolean;
  /**
   * One ENERGY price and step size for every element and version: under OCPI's rule that the
   * last period's step size rounds the session total, mixed step sizes make cost non-monotone.
   */
  readonly uniformEnergyComponent: boolean;
  /** One VAT rate for every component and version, as in one jurisdiction at one time. */
  readonly uniformVat: boolean;
}

/** Values shared by all versions of a scenario's tariff. */
interface Shared {
  readonly energyPrice: string;
  readonly energyStep: number;
  readonly vat: number | undefined;
}

function restrictionsArb(shape: TariffShape) {
  return fc
    .record(
      {
        start_time: hhmm,
        end_time: hhmm,
        day_of_week: fc.uniqueArray(fc.constantFrom(...DAYS_OF_WEEK), { minLength: 1, maxLength: 7 }),
        min_duration: fc.integer({ min: 0, max: 20 * 3600 }),
        max_duration: fc.integer({ min: 1, max: 30 * 3600 }),
        ...(shape.energyRestrictions
          ? {
              min_kwh: fc.integer({ min: 0, max: 60_000 }).map((wh) => wh / 1000),
              max_kwh: fc.integer({ min: 1, max: 90_000 }).map((wh) => wh / 1000),
              min_power: fc.integer({ min: 0, max: 22 }),
              max_power: fc.integer({ min: 1, max: 50 }),
            }
          : {}),
      },
      { requiredKeys: [] },
    )
    .map((r: Record<string, unknown>) => {
      const fixed = { ...r };
      if (fixed['start_time'] === fixed['end_time']) delete fixed['end_time'];
      for (const [min, max] of [['min_duration', 'max_duration'], ['min_kwh', 'max_kwh'], ['min_power', 'max_power']] as const) {
        if (fixed[min] !== undefined && fixed[max] !== undefined && (fixed[max] as number) <= (fixed[min] as number)) delete fixed[max];
      }
      return fixed;
    });
}

function elementArb(shape: TariffShape, shared: Shared) {
  const component = (type: string) =>
    fc.record({
      type: fc.constant(type),
      price: type === 'ENERGY' && shape.uniformEnergyComponent ? fc.constant(shared.energyPrice) : priceArb,
      vat: shape.uniformVat ? fc.constant(shared.vat) : vatArb,
      step_size:
        type === 'ENERGY' && shape.uniformEnergyComponent ? fc.constant(shared.energyStep) : shape.steps ? stepArb : fc.constantFrom(0, 1),
    });
  return fc.record(
    {
      price_components: fc.uniqueArray(fc.constantFrom('ENERGY', 'TIME', 'PARKING_TIME', 'FLAT'), { minLength: 1, maxLength: 4 }).chain((types) => fc.tuple(...types.map(component))),
      restrictions: restrictionsArb(shape),
    },
    { requiredKeys: ['price_components'] },
  );
}

/** The OCPI JSON of one tariff version (validated before use). */
function tariffJsonArb(shape: TariffShape, shared: Shared) {
  return fc.record(
      {
        elements: fc.array(elementArb(shape, shared), { minLength: 1, maxLength: 4 }),
        parking_grace_period: fc.constantFrom(0, 0, 600, 1800),
        min_price: fc.integer({ min: 0, max: 500 }).map((c) => ({ excl_vat: c / 100 })),
        max_price: fc.integer({ min: 500, max: 20_000 }).map((c) => ({ excl_vat: c / 100 })),
      },
      { requiredKeys: ['elements', 'parking_grace_period'] },
    );
}

/** Instants near the 2026 DST changes of the zones above, and ordinary days. */
const anchorArb = fc.constantFrom(
  '2026-03-08T06:00:00Z', '2026-03-28T20:00:00Z', '2026-04-04T14:00:00Z', '2026-10-24T20:00:00Z',
  '2026-11-01T04:00:00Z', '2026-01-15T12:00:00Z', '2026-07-01T00:00:00Z', '2026-12-31T22:00:00Z',
);

export interface Scenario {
  readonly timeZone: string;
  readonly tariffs: Tariff[];
  readonly timeline: SessionTimeline;
}

/** A session: whole-minute meter points, some idle stretches, 0-30 h, 1-3 tariff versions. */
export function scenarioArb(shape: TariffShape): fc.Arbitrary<Scenario> {
  return fc
    .record({ energyPrice: priceArb, energyStep: stepArb, vat: vatArb })
    .chain((shared) => fc.record({
      timeZone: zoneArb,
      anchor: anchorArb,
      offsetMin: fc.integer({ min: -600, max: 600 }),
      steps: fc.array(fc.record({ minutes: fc.integer({ min: 1, max: 240 }), wh: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30_000 })) }), { maxLength: 12 }),
      tailMin: fc.integer({ min: 0, max: 120 }),
      versions: fc.array(fc.tuple(tariffJsonArb(shape, shared), fc.integer({ min: 1, max: 30 * 60 })), { minLength: 1, maxLength: 3 }),
    }))
    .map(({ timeZone, anchor, offsetMin, steps, tailMin, versions }) => {
      const start = Date.parse(anchor) + offsetMin * 60_000;
      const meterPoints: MeterPoint[] = [];
      let t = start;
      let wh = 0;
      for (const step of steps) {
        t += step.minutes * 60_000;
        wh += step.wh;
        meterPoints.push({ at: new Date(t), energyWh: wh });
      }
      const tariffs = versions.map(([json, fromMin], index) =>
        parseTariff({
          id: 'T',
          currency: 'EUR',
          version: index + 1,
          ...json,
          // the first version is in effect from the start; later ones take over mid-session
          ...(index === 0 ? {} : { start_date_time: new Date(start + fromMin * 60_000).toISOString() }),
          ...(json.min_price && json.max_price && json.max_price.excl_vat < json.min_price.excl_vat ? { max_price: undefined } : {}),
        }),
      );
      return { timeZone, tariffs, timeline: { startedAt: new Date(start), endedAt: new Date(t + tailMin * 60_000), meterPoints } };
    });
}
