import type { CurrencyCode } from '../money/currency';
import type { Money } from '../money/money';
import type { Ratio } from '../money/ratio';

/** OCPI 2.2.1 TariffDimensionType. */
export const TARIFF_DIMENSIONS = ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'] as const;
export type TariffDimensionType = (typeof TARIFF_DIMENSIONS)[number];

/** OCPI DayOfWeek, in ISO order: index + 1 is the ISO weekday. */
export const DAYS_OF_WEEK = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

export const RESERVATION_RESTRICTIONS = ['RESERVATION', 'RESERVATION_EXPIRES'] as const;
export type ReservationRestriction = (typeof RESERVATION_RESTRICTIONS)[number];

/** A validated OCPI PriceComponent with exact numbers. */
export interface PriceComponent {
  readonly type: TariffDimensionType;
  /** Major units (EUR) excl. VAT per kWh (ENERGY), per hour (TIME, PARKING_TIME) or per session (FLAT). */
  readonly price: Ratio;
  /** VAT percentage; null: no VAT applies (OCPI: omitted is not the same as 0 %). */
  readonly vat: Ratio | null;
  /** Billing increment: Wh for ENERGY, seconds for TIME and PARKING_TIME; 0 or 1 means none. */
  readonly stepSize: number;
}

/** A validated OCPI TariffRestrictions: local wall-clock fields in the site's time zone. */
export interface TariffRestrictions {
  /** Minutes since local midnight, inclusive. */
  readonly startMinute: number | null;
  /** Minutes since local midnight, exclusive; below startMinute means the window crosses midnight. */
  readonly endMinute: number | null;
  /** Local date 'YYYY-MM-DD', inclusive. */
  readonly startDate: string | null;
  /** Local date 'YYYY-MM-DD', exclusive. */
  readonly endDate: string | null;
  /** Energy charged so far in the session, Wh (OCPI min_kwh x 1000), inclusive. */
  readonly minEnergyWh: Ratio | null;
  /** Exclusive. */
  readonly maxEnergyWh: Ratio | null;
  readonly minCurrentA: Ratio | null;
  readonly maxCurrentA: Ratio | null;
  /** Watts (OCPI min_power is kW). */
  readonly minPowerW: Ratio | null;
  readonly maxPowerW: Ratio | null;
  /** Session duration so far, seconds, inclusive. */
  readonly minDurationS: number | null;
  /** Exclusive. */
  readonly maxDurationS: number | null;
  /** ISO weekdays 1 (Monday) .. 7 (Sunday); null: every day. */
  readonly isoWeekdays: readonly number[] | null;
  readonly reservation: ReservationRestriction | null;
}

export interface TariffElement {
  readonly priceComponents: readonly PriceComponent[];
  readonly restrictions: TariffRestrictions | null;
}

/**
 * One version of a tariff. OCPI's start_date_time/end_date_time give its validity; `version`
 * and `parkingGracePeriodS` are our extensions (libs/billing/README.md).
 */
export interface Tariff {
  readonly id: string;
  readonly version: number;
  readonly currency: CurrencyCode;
  readonly elements: readonly TariffElement[];
  readonly minPrice: Money | null;
  readonly maxPrice: Money | null;
  /** Epoch ms, inclusive; null: since always. */
  readonly validFrom: number | null;
  /** Epoch ms, exclusive; null: until a later version takes over. */
  readonly validUntil: number | null;
  /** Seconds of each idle stretch before PARKING_TIME is charged. */
  readonly parkingGracePeriodS: number;
}
