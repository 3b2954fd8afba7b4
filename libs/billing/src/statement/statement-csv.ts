import { statementRows, type Statement, type StatementRow } from './statement.builder';

const COLUMNS: readonly (keyof StatementRow)[] = [
  'group', 'currency', 'record', 'cdr_id', 'credit_reference_id', 'replaces_cdr_id', 'session_id', 'station_id',
  'token_uid', 'token_group', 'start_date_time', 'end_date_time', 'issued_at', 'energy_kwh', 'cost_excl_vat', 'cost_incl_vat',
];
/** Columns we compute as numbers; everything else may hold text a customer typed. */
const NUMERIC: ReadonlySet<keyof StatementRow> = new Set(['energy_kwh', 'cost_excl_vat', 'cost_incl_vat']);

/** RFC 4180 CSV (CRLF line ends, header row) of statementRows. */
export function statementToCsv(statement: Statement): string {
  const lines = [COLUMNS.join(',')];
  for (const row of statementRows(statement)) {
    lines.push(COLUMNS.map((column) => csvField(row[column], NUMERIC.has(column))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Quotes a field when it holds a comma, quote, CR or LF (quotes doubled). A text field that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe.
 */
export function csvField(value: string | null, numeric = false): string {
  if (value === null) return '';
  const safe = !numeric && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
