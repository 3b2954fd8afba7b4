import { parseTariff, TariffValidationError, validateTariff } from './tariff-validation';
import { ratio } from '../money/ratio';

/** The OCPI 2.2.1 example "Simple tariff example 0.25 euro per kWh" plus a night window. */
const ocpiTariff = {
  country_code: 'NL',
  party_id: 'EVC',
  id: '12',
  currency: 'EUR',
  min_price: { excl_vat: 0.5, incl_vat: 0.61 },
  elements: [
    { price_components: [{ type: 'ENERGY', price: 0.25, vat: 21.0, step_size: 1 }], restrictions: { start_time: '22:00', end_time: '06:00', day_of_week: ['MONDAY', 'FRIDAY'] } },
    { price_components: [{ type: 'ENERGY', price: 0.3, vat: 21.0, step_size: 1 }] },
  ],
  last_updated: '2026-01-01T00:00:00Z',
};

describe('tariff validation', () => {
  it('accepts an OCPI tariff and reads its decimals exactly', () => {
    const tariff = parseTariff(ocpiTariff);
    expect(tariff.elements[0]!.priceComponents[0]!.price).toEqual(ratio(1n, 4n));
    expect(tariff.elements[0]!.restrictions).toMatchObject({ startMinute: 22 * 60, endMinute: 6 * 60, isoWeekdays: [1, 5] });
    expect(tariff.minPrice?.minor).toBe(50n);
    expect(tariff).toMatchObject({ version: 1, validFrom: null, parkingGracePeriodS: 0 });
  });

  it('takes our extensions: version, validity and a parking grace period', () => {
    const tariff = parseTariff({ ...ocpiTariff, version: 3, start_date_time: '2026-02-01T12:00:00+01:00', parking_grace_period: 900 });
    expect(tariff).toMatchObject({ version: 3, validFrom: Date.parse('2026-02-01T11:00:00Z'), parkingGracePeriodS: 900 });
  });

  it('lists every problem with a JSON Pointer to the field, for a 400 problem-details answer', () => {
    const result = validateTariff({
      id: '',
      currency: 'EURO',
      start_date_time: '2026-02-01',
      elements: [
        { price_components: [{ type: 'KWH', price: -1, step_size: 1.5, vat: 120 }] },
        { price_components: [{ type: 'TIME', price: '0.1.2', step_size: 0 }], restrictions: { start_time: '25:00', min_kwh: 20, max_kwh: 10, day_of_week: ['MONDAY', 'MONDAY'] } },
        { price_components: [] },
        { price_components: [{ type: 'FLAT', price: 1, step_size: 0 }, { type: 'FLAT', price: 2, step_size: 0 }] },
      ],
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual([
      '/id',
      '/currency',
      '/start_date_time',
      '/elements/0/price_components/0/type',
      '/elements/0/price_components/0/price',
      '/elements/0/price_components/0/vat',
      '/elements/0/price_components/0/step_size',
      '/elements/1/price_components/0/price',
      '/elements/1/restrictions/start_time',
      '/elements/1/restrictions/max_kwh',
      '/elements/1/restrictions/day_of_week/1',
      '/elements/2/price_components',
      '/elements/3/price_components/1/type',
    ]);
  });

  it('refuses a minimum price finer than the currency’s minor unit and max below min', () => {
    const result = validateTariff({ ...ocpiTariff, min_price: { excl_vat: 0.505 }, max_price: { excl_vat: 0.1 } });
    expect(!result.ok && result.issues).toEqual([{ path: '/min_price/excl_vat', message: 'must be a non-negative amount with at most the minor units of EUR' }]);
    expect(() => parseTariff({ ...ocpiTariff, min_price: { excl_vat: 5 }, max_price: { excl_vat: 1 } })).toThrow(TariffValidationError);
  });

  it('refuses input that is not an object', () => {
    expect(validateTariff([])).toEqual({ ok: false, issues: [{ path: '', message: 'must be a JSON object' }] });
  });
});
