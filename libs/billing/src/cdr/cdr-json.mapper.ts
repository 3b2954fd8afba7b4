import { formatMoney, type Price } from '../money/money';
import { compare, parseDecimalRatio, ratio, toExactDecimal, toFixed } from '../money/ratio';
import type { CdrDimension } from '../pricing/charging-period.model';
import type { Cdr } from './cdr.model';

/** OCPI's Price as JSON numbers. */
export interface PriceJson {
  readonly excl_vat: number;
  readonly incl_vat: number;
}

export interface CdrJson {
  readonly id: string;
  readonly sessionId: string;
  readonly stationId: string;
  readonly currency: string;
  readonly totalEnergyWh: number;
  readonly totalCost: PriceJson;
  readonly totalEnergyCost: PriceJson;
  readonly totalTimeCost: PriceJson;
  readonly totalParkingCost: PriceJson;
  readonly totalFixedCost: PriceJson;
  readonly priceLimitAdjustment: PriceJson;
  /** OCPI units: hours. */
  readonly totalTime: number;
  readonly totalParkingTime: number;
  readonly startDateTime: string;
  readonly endDateTime: string;
  readonly tokenUid: string;
  readonly tokenGroup: string | null;
  readonly credit: boolean;
  readonly creditReferenceId: string | null;
  readonly replacesCdrId: string | null;
  readonly issuedAt: string;
  readonly chargingPeriods: readonly {
    readonly start_date_time: string;
    readonly end_date_time: string;
    readonly tariff_id: string;
    readonly tariff_version: number;
    readonly in_grace_period: boolean;
    readonly dimensions: readonly { readonly type: string; readonly volume: number }[];
    readonly cost: PriceJson;
  }[];
}

/** Decimal places of hours in JSON: 6 places resolve 3.6 ms; volumes are informational, costs exact. */
const HOUR_PLACES = 6;

/**
 * The API contract's CDR JSON. OCPI writes amounts as JSON numbers; each number is produced from
 * the exact decimal text ("12.34"), so JSON.stringify writes exactly that text. Amounts too
 * large to survive a double (over 15 significant digits) are refused rather than altered.
 */
export function cdrToJson(cdr: Cdr): CdrJson {
  return {
    id: cdr.id,
    sessionId: cdr.sessionId,
    stationId: cdr.stationId,
    currency: cdr.currency,
    totalEnergyWh: exactNumber(cdr.totalEnergyWh.toString()),
    totalCost: priceJson(cdr.totalCost),
    totalEnergyCost: priceJson(cdr.totalEnergyCost),
    totalTimeCost: priceJson(cdr.totalTimeCost),
    totalParkingCost: priceJson(cdr.totalParkingCost),
    totalFixedCost: priceJson(cdr.totalFixedCost),
    priceLimitAdjustment: priceJson(cdr.priceLimitAdjustment),
    totalTime: hours(cdr.totalTimeMs),
    totalParkingTime: hours(cdr.totalParkingTimeMs),
    startDateTime: cdr.startDateTime,
    endDateTime: cdr.endDateTime,
    tokenUid: cdr.tokenUid,
    tokenGroup: cdr.tokenGroup,
    credit: cdr.credit,
    creditReferenceId: cdr.creditReferenceId,
    replacesCdrId: cdr.replacesCdrId,
    issuedAt: cdr.issuedAt,
    chargingPeriods: cdr.chargingPeriods.map((p) => ({
      start_date_time: p.start_date_time,
      end_date_time: p.end_date_time,
      tariff_id: p.tariff_id,
      tariff_version: p.tariff_version,
      in_grace_period: p.in_grace_period,
      dimensions: p.dimensions.map(dimensionJson),
      cost: priceJson(p.cost),
    })),
  };
}

function priceJson(value: Price): PriceJson {
  return { excl_vat: exactNumber(formatMoney(value.excl_vat)), incl_vat: exactNumber(formatMoney(value.incl_vat)) };
}

/** OCPI units: ENERGY in kWh (exact: Wh / 1000), TIME and PARKING_TIME in hours, FLAT as is. */
function dimensionJson(d: CdrDimension): { type: string; volume: number } {
  switch (d.type) {
    case 'ENERGY':
      return { type: d.type, volume: exactNumber(toExactDecimal(ratio(d.volume, 1000n))!) };
    case 'TIME':
    case 'PARKING_TIME':
      return { type: d.type, volume: hours(d.volume) };
    case 'FLAT':
      return { type: d.type, volume: exactNumber(d.volume.toString()) };
  }
}

function hours(ms: bigint): number {
  return exactNumber(toFixed(ratio(ms, 3_600_000n), HOUR_PLACES));
}

function exactNumber(text: string): number {
  const value = Number(text);
  const written = parseDecimalRatio(String(value));
  const wanted = parseDecimalRatio(text);
  if (!written || !wanted || compare(written, wanted) !== 0) throw new RangeError(`${text} cannot be written as a JSON number exactly`);
  return value;
}
