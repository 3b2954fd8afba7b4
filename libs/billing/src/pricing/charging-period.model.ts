import type { CurrencyCode } from '../money/currency';
import type { Price } from '../money/money';

/**
 * OCPI CdrDimensionType subset we produce, plus FLAT (not a CdrDimensionType in OCPI 2.2.1: an
 * extension marking the period that carries the session fee, volume 1).
 */
export type CdrDimensionType = 'ENERGY' | 'TIME' | 'PARKING_TIME' | 'FLAT';

/**
 * Volumes are exact integers in base units: ENERGY in Wh, TIME and PARKING_TIME in ms, FLAT 1.
 * The OCPI JSON mapper converts to kWh and hours.
 */
export interface CdrDimension {
  readonly type: CdrDimensionType;
  readonly volume: bigint;
}

/** An OCPI ChargingPeriod, with our end time, tariff version and cost share (extensions). */
export interface ChargingPeriod {
  readonly start_date_time: string;
  readonly end_date_time: string;
  readonly dimensions: readonly CdrDimension[];
  readonly tariff_id: string;
  readonly tariff_version: number;
  /** The EV is idle but still inside the parking grace period: PARKING_TIME is not charged. */
  readonly in_grace_period: boolean;
  /** This period's share of total_cost; the shares add up to total_cost exactly. */
  readonly cost: Price;
}

/** A priced session: the charging periods and OCPI CDR totals. */
export interface SessionCost {
  readonly currency: CurrencyCode;
  readonly charging_periods: readonly ChargingPeriod[];
  /** What is billed: the components plus price_limit_adjustment. */
  readonly total_cost: Price;
  readonly total_energy_cost: Price;
  readonly total_time_cost: Price;
  readonly total_parking_cost: Price;
  readonly total_fixed_cost: Price;
  /** Extension: the tariff's min_price/max_price correction; zero when neither applied. */
  readonly price_limit_adjustment: Price;
  readonly total_energy_wh: bigint;
  /** Whole session, ms (OCPI total_time). */
  readonly total_time_ms: bigint;
  /** Idle part of it, ms, grace period included (OCPI total_parking_time). */
  readonly total_parking_time_ms: bigint;
}
