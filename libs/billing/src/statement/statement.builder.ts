import type { Cdr } from '../cdr/cdr.model';
import type { CurrencyCode } from '../money/currency';
import { formatMoney, sumPrices, type Price } from '../money/money';
import { ratio, toExactDecimal } from '../money/ratio';

export type StatementGrouping = 'token' | 'group';

export interface StatementOptions {
  readonly groupBy: StatementGrouping;
  /** The records issued in [from, to) belong to the statement: a credit lands in the period it was issued in. */
  readonly from: Date;
  readonly to: Date;
}

export interface StatementLine {
  readonly cdrId: string;
  readonly record: 'DEBIT' | 'CREDIT';
  readonly creditReferenceId: string | null;
  readonly replacesCdrId: string | null;
  readonly sessionId: string;
  readonly stationId: string;
  readonly tokenUid: string;
  readonly tokenGroup: string | null;
  readonly startDateTime: string;
  readonly endDateTime: string;
  readonly issuedAt: string;
  readonly energyWh: bigint;
  readonly cost: Price;
}

export interface StatementGroup {
  /** The token uid or group name; null: sessions whose token has no group. */
  readonly key: string | null;
  readonly currency: CurrencyCode;
  readonly lines: readonly StatementLine[];
  /** Sums of the lines, to the minor unit (nothing is rounded on the way). */
  readonly totals: { readonly cdrCount: number; readonly energyWh: bigint; readonly cost: Price };
}

export interface Statement {
  readonly groupBy: StatementGrouping;
  readonly from: string;
  readonly to: string;
  /** One per key and currency, ordered by key (no group last) then currency. */
  readonly groups: readonly StatementGroup[];
}

export function buildStatement(cdrs: readonly Cdr[], options: StatementOptions): Statement {
  if (options.to.getTime() <= options.from.getTime()) throw new RangeError('a statement period must end after it starts');
  const inPeriod = cdrs.filter((cdr) => {
    const issued = Date.parse(cdr.issuedAt);
    return issued >= options.from.getTime() && issued < options.to.getTime();
  });
  const buckets = new Map<string, { key: string | null; currency: CurrencyCode; cdrs: Cdr[] }>();
  for (const cdr of inPeriod) {
    const key = options.groupBy === 'token' ? cdr.tokenUid : cdr.tokenGroup;
    const id = JSON.stringify([key, cdr.currency]);
    const bucket = buckets.get(id) ?? { key, currency: cdr.currency, cdrs: [] };
    bucket.cdrs.push(cdr);
    buckets.set(id, bucket);
  }
  const groups = [...buckets.values()]
    .sort((a, b) => compareKeys(a.key, b.key) || (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0))
    .map(({ key, currency, cdrs: members }): StatementGroup => {
      const lines = members
        .sort((a, b) => (a.issuedAt < b.issuedAt ? -1 : a.issuedAt > b.issuedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(lineOf);
      return {
        key,
        currency,
        lines,
        totals: {
          cdrCount: lines.length,
          energyWh: lines.reduce((acc, l) => acc + l.energyWh, 0n),
          cost: sumPrices(lines.map((l) => l.cost), currency),
        },
      };
    });
  return { groupBy: options.groupBy, from: options.from.toISOString(), to: options.to.toISOString(), groups };
}

function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function lineOf(cdr: Cdr): StatementLine {
  return {
    cdrId: cdr.id,
    record: cdr.credit ? 'CREDIT' : 'DEBIT',
    creditReferenceId: cdr.creditReferenceId,
    replacesCdrId: cdr.replacesCdrId,
    sessionId: cdr.sessionId,
    stationId: cdr.stationId,
    tokenUid: cdr.tokenUid,
    tokenGroup: cdr.tokenGroup,
    startDateTime: cdr.startDateTime,
    endDateTime: cdr.endDateTime,
    issuedAt: cdr.issuedAt,
    energyWh: cdr.totalEnergyWh,
    cost: cdr.totalCost,
  };
}

/** A statement line or total as JSON: amounts and energy as exact decimal strings. */
export interface StatementRow {
  readonly group: string | null;
  readonly currency: string;
  readonly record: 'DEBIT' | 'CREDIT' | 'TOTAL';
  readonly cdr_id: string | null;
  readonly credit_reference_id: string | null;
  readonly replaces_cdr_id: string | null;
  readonly session_id: string | null;
  readonly station_id: string | null;
  readonly token_uid: string | null;
  readonly token_group: string | null;
  readonly start_date_time: string | null;
  readonly end_date_time: string | null;
  readonly issued_at: string | null;
  readonly energy_kwh: string;
  readonly cost_excl_vat: string;
  readonly cost_incl_vat: string;
}

/**
 * The statement as rows: each group's lines, then a TOTAL row for the group. Amounts are strings
 * ("12.34") so no consumer parses them into a float on the way.
 */
export function statementRows(statement: Statement): StatementRow[] {
  const rows: StatementRow[] = [];
  for (const group of statement.groups) {
    for (const line of group.lines) {
      rows.push({
        group: group.key,
        currency: group.currency,
        record: line.record,
        cdr_id: line.cdrId,
        credit_reference_id: line.creditReferenceId,
        replaces_cdr_id: line.replacesCdrId,
        session_id: line.sessionId,
        station_id: line.stationId,
        token_uid: line.tokenUid,
        token_group: line.tokenGroup,
        start_date_time: line.startDateTime,
        end_date_time: line.endDateTime,
        issued_at: line.issuedAt,
        energy_kwh: kwh(line.energyWh),
        cost_excl_vat: formatMoney(line.cost.excl_vat),
        cost_incl_vat: formatMoney(line.cost.incl_vat),
      });
    }
    rows.push({
      group: group.key,
      currency: group.currency,
      record: 'TOTAL',
      cdr_id: null,
      credit_reference_id: null,
      replaces_cdr_id: null,
      session_id: null,
      station_id: null,
      token_uid: null,
      token_group: null,
      start_date_time: null,
      end_date_time: null,
      issued_at: null,
      energy_kwh: kwh(group.totals.energyWh),
      cost_excl_vat: formatMoney(group.totals.cost.excl_vat),
      cost_incl_vat: formatMoney(group.totals.cost.incl_vat),
    });
  }
  return rows;
}

function kwh(wh: bigint): string {
  return toExactDecimal(ratio(wh, 1000n))!;
}
