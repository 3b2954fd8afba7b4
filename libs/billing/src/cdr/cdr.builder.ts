import { negatePrice } from '../money/money';
import type { ChargingPeriod } from '../pricing/charging-period.model';
import { priceSession } from '../pricing/pricing-engine';
import type { MeterPoint } from '../pricing/session-timeline';
import type { Tariff } from '../tariff/tariff.model';
import type { Cdr } from './cdr.model';

/** A finished session, as billing needs it. */
export interface CdrSession {
  readonly sessionId: string;
  readonly stationId: string;
  readonly siteId?: string | null;
  readonly evseId?: number | null;
  readonly connectorId?: number | null;
  readonly tokenUid: string;
  readonly tokenGroup?: string | null;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly meterPoints: readonly MeterPoint[];
}

export interface CdrOptions {
  /** The caller names the record: the domain draws no random numbers and reads no clock. */
  readonly id: string;
  readonly timeZone: string;
  readonly issuedAt: Date;
}

export class InvalidCorrectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCorrectionError';
  }
}

export function buildCdr(session: CdrSession, tariffs: readonly Tariff[], options: CdrOptions): Cdr {
  const cost = priceSession({
    timeline: { startedAt: session.startedAt, endedAt: session.endedAt, meterPoints: session.meterPoints },
    timeZone: options.timeZone,
    tariffs,
  });
  const used = new Map(cost.charging_periods.map((p) => [`${p.tariff_id}\u0000${p.tariff_version}`, { id: p.tariff_id, version: p.tariff_version }]));
  return deepFreeze<Cdr>({
    id: options.id,
    sessionId: session.sessionId,
    stationId: session.stationId,
    siteId: session.siteId ?? null,
    evseId: session.evseId ?? null,
    connectorId: session.connectorId ?? null,
    tokenUid: session.tokenUid,
    tokenGroup: session.tokenGroup ?? null,
    currency: cost.currency,
    startDateTime: session.startedAt.toISOString(),
    endDateTime: session.endedAt.toISOString(),
    totalEnergyWh: cost.total_energy_wh,
    totalTimeMs: cost.total_time_ms,
    totalParkingTimeMs: cost.total_parking_time_ms,
    totalCost: cost.total_cost,
    totalEnergyCost: cost.total_energy_cost,
    totalTimeCost: cost.total_time_cost,
    totalParkingCost: cost.total_parking_cost,
    totalFixedCost: cost.total_fixed_cost,
    priceLimitAdjustment: cost.price_limit_adjustment,
    chargingPeriods: cost.charging_periods,
    tariffs: [...used.values()],
    credit: false,
    creditReferenceId: null,
    replacesCdrId: null,
    issuedAt: options.issuedAt.toISOString(),
  });
}

export interface Correction {
  /** Cancels the original: its amounts and volumes negated, credit_reference_id = original.id. */
  readonly credit: Cdr;
  /** The corrected record, replacing the original. */
  readonly debit: Cdr;
}

/**
 * Corrects an issued CDR: credit + new debit. The original stays as it was, so every statement
 * already sent stays true, and original + credit + debit add up to the corrected amount.
 */
export function correctionOf(original: Cdr, corrected: Cdr, options: { readonly creditId: string; readonly issuedAt: Date }): Correction {
  if (original.credit) throw new InvalidCorrectionError(`${original.id} is a credit record; correct the debit it refers to`);
  if (corrected.credit || corrected.replacesCdrId !== null) throw new InvalidCorrectionError(`${corrected.id} must be a fresh debit record`);
  if (corrected.sessionId !== original.sessionId) throw new InvalidCorrectionError(`${corrected.id} is for session ${corrected.sessionId}, not ${original.sessionId}`);
  if (new Set([original.id, corrected.id, options.creditId]).size !== 3) throw new InvalidCorrectionError('the original, credit and corrected records need distinct ids');
  const issuedAt = options.issuedAt.toISOString();
  const credit = deepFreeze<Cdr>({
    ...original,
    id: options.creditId,
    totalEnergyWh: -original.totalEnergyWh,
    totalTimeMs: -original.totalTimeMs,
    totalParkingTimeMs: -original.totalParkingTimeMs,
    totalCost: negatePrice(original.totalCost),
    totalEnergyCost: negatePrice(original.totalEnergyCost),
    totalTimeCost: negatePrice(original.totalTimeCost),
    totalParkingCost: negatePrice(original.totalParkingCost),
    totalFixedCost: negatePrice(original.totalFixedCost),
    priceLimitAdjustment: negatePrice(original.priceLimitAdjustment),
    chargingPeriods: original.chargingPeriods.map(negatePeriod),
    credit: true,
    creditReferenceId: original.id,
    replacesCdrId: null,
    issuedAt,
  });
  const debit = deepFreeze<Cdr>({ ...corrected, replacesCdrId: original.id });
  return { credit, debit };
}

function negatePeriod(period: ChargingPeriod): ChargingPeriod {
  return {
    ...period,
    dimensions: period.dimensions.map((d) => ({ type: d.type, volume: -d.volume })),
    cost: negatePrice(period.cost),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
