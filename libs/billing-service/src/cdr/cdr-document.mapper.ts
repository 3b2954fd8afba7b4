import { cdrToJson, currencyCode, formatMoney, type Cdr, type ChargingPeriod, type Money, type Price } from '@evcsms/billing';
import type { CdrRow, NewCdr } from '@evcsms/data-access';

/** Money in a stored document: minor units as a decimal string (jsonb has no bigint). */
interface MoneyDocument {
  readonly minor: string;
  readonly currency: string;
}
interface PriceDocument {
  readonly excl_vat: MoneyDocument;
  readonly incl_vat: MoneyDocument;
}

const PRICE_FIELDS = ['totalCost', 'totalEnergyCost', 'totalTimeCost', 'totalParkingCost', 'totalFixedCost', 'priceLimitAdjustment'] as const;
const VOLUME_FIELDS = ['totalEnergyWh', 'totalTimeMs', 'totalParkingTimeMs'] as const;

/** A CDR as stored in `cdrs.document`: every field, bigints as strings, readable from SQL. */
export function cdrDocument(cdr: Cdr): Record<string, unknown> {
  const document: Record<string, unknown> = { ...cdr };
  for (const field of PRICE_FIELDS) document[field] = priceDocument(cdr[field]);
  for (const field of VOLUME_FIELDS) document[field] = cdr[field].toString();
  document['chargingPeriods'] = cdr.chargingPeriods.map((period) => ({
    ...period,
    dimensions: period.dimensions.map((d) => ({ type: d.type, volume: d.volume.toString() })),
    cost: priceDocument(period.cost),
  }));
  return document;
}

/** Reads a stored document back into the immutable domain record. */
export function cdrFromDocument(document: Record<string, unknown>): Cdr {
  const raw = document as Record<string, unknown> & { chargingPeriods: Array<Record<string, unknown> & { dimensions: Array<{ type: string; volume: string }>; cost: PriceDocument }> };
  const cdr: Record<string, unknown> = { ...raw };
  for (const field of PRICE_FIELDS) cdr[field] = priceOf(raw[field] as PriceDocument);
  for (const field of VOLUME_FIELDS) cdr[field] = BigInt(raw[field] as string);
  cdr['chargingPeriods'] = raw.chargingPeriods.map(
    (period): ChargingPeriod => ({
      ...(period as unknown as ChargingPeriod),
      dimensions: period.dimensions.map((d) => ({ type: d.type as ChargingPeriod['dimensions'][number]['type'], volume: BigInt(d.volume) })),
      cost: priceOf(period.cost),
    }),
  );
  return cdr as unknown as Cdr;
}

/** The `cdrs` row for a record: totals as columns for filtering and sums, the whole as a document. */
export function cdrRow(cdr: Cdr): NewCdr {
  return {
    id: cdr.id,
    session_id: cdr.sessionId,
    station_id: cdr.stationId,
    record: cdr.credit ? 'CREDIT' : 'DEBIT',
    token_uid: cdr.tokenUid,
    token_group: cdr.tokenGroup,
    currency: cdr.currency,
    total_energy_wh: cdr.totalEnergyWh.toString(),
    total_cost_excl_vat: cdr.totalCost.excl_vat.minor.toString(),
    total_cost_incl_vat: cdr.totalCost.incl_vat.minor.toString(),
    start_date_time: new Date(cdr.startDateTime),
    end_date_time: new Date(cdr.endDateTime),
    credit_reference_id: cdr.creditReferenceId,
    replaces_cdr_id: cdr.replacesCdrId,
    document: cdrDocument(cdr),
    issued_at: new Date(cdr.issuedAt),
  };
}

export function cdrFromRow(row: CdrRow): Cdr {
  return cdrFromDocument(row.document);
}

/** Money as the API contract writes it: decimal strings in major units. */
export interface MoneyView {
  readonly exclVat: string;
  readonly inclVat: string;
}

export function moneyView(value: Price): MoneyView {
  return { exclVat: formatMoney(value.excl_vat), inclVat: formatMoney(value.incl_vat) };
}

/** Minor-unit strings (as stored) to the contract's Money. */
export function moneyViewOfMinor(exclVat: string, inclVat: string, currency: string): MoneyView {
  const code = currencyCode(currency);
  return { exclVat: formatMoney({ minor: BigInt(exclVat), currency: code }), inclVat: formatMoney({ minor: BigInt(inclVat), currency: code }) };
}

/**
 * The API's CDR: the contract fields (`totalCost` as Money beside `currency`, integer
 * `totalEnergyWh`), the other totals the same way, and the OCPI charging periods.
 */
export function cdrView(cdr: Cdr): Record<string, unknown> {
  const json = cdrToJson(cdr);
  return {
    ...json,
    totalCost: moneyView(cdr.totalCost),
    totalEnergyCost: moneyView(cdr.totalEnergyCost),
    totalTimeCost: moneyView(cdr.totalTimeCost),
    totalParkingCost: moneyView(cdr.totalParkingCost),
    totalFixedCost: moneyView(cdr.totalFixedCost),
    priceLimitAdjustment: moneyView(cdr.priceLimitAdjustment),
    evseId: cdr.evseId,
    connectorId: cdr.connectorId,
    tariffs: cdr.tariffs,
  };
}

function priceDocument(value: Price): PriceDocument {
  return { excl_vat: moneyDocument(value.excl_vat), incl_vat: moneyDocument(value.incl_vat) };
}

function moneyDocument(value: Money): MoneyDocument {
  return { minor: value.minor.toString(), currency: value.currency };
}

function priceOf(document: PriceDocument): Price {
  return { excl_vat: moneyOf(document.excl_vat), incl_vat: moneyOf(document.incl_vat) };
}

function moneyOf(document: MoneyDocument): Money {
  return { minor: BigInt(document.minor), currency: currencyCode(document.currency) };
}
