/**
 * Station selectors, for listing now and bulk operations later: comma-separated terms that must
 * all hold, each `key=value` or `key!=value`, where value may list alternatives with `|`.
 *
 *   site=depot-north,tag=dc|fast,model!=AC22
 *
 * Keys: site (site id), tag, model, vendor, protocol.
 */
export type SelectorKey = 'site' | 'tag' | 'model' | 'vendor' | 'protocol';

export interface SelectorTerm {
  readonly key: SelectorKey;
  readonly negated: boolean;
  /** Alternatives: the term holds if any matches (none, when negated). */
  readonly values: readonly string[];
}

export type SelectorParse = { readonly ok: true; readonly terms: readonly SelectorTerm[] } | { readonly ok: false; readonly error: string };

const KEYS: readonly SelectorKey[] = ['site', 'tag', 'model', 'vendor', 'protocol'];
const TERM = /^([a-z]+)\s*(!=|=)\s*(.+)$/;
/** Tags, site ids, models and vendors a selector can name (also the pattern tags must match). */
export const SELECTOR_VALUE_PATTERN = '^[A-Za-z0-9._:+\\-/ ]{1,100}$';
const VALUE = new RegExp(SELECTOR_VALUE_PATTERN);
const MAX_TERMS = 20;

export function parseSelector(text: string): SelectorParse {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length > MAX_TERMS) return { ok: false, error: `at most ${MAX_TERMS} terms` };
  const terms: SelectorTerm[] = [];
  for (const part of parts) {
    const match = TERM.exec(part);
    if (!match) return { ok: false, error: `"${part}" is not key=value or key!=value` };
    const key = match[1] as SelectorKey;
    if (!KEYS.includes(key)) return { ok: false, error: `unknown key "${match[1]}" (one of ${KEYS.join(', ')})` };
    const values = match[3]!.split('|').map((value) => value.trim());
    const bad = values.find((value) => !VALUE.test(value));
    if (bad !== undefined) return { ok: false, error: `"${bad}" is not a valid value for ${key}` };
    terms.push({ key, negated: match[2] === '!=', values });
  }
  return { ok: true, terms };
}

/** A WHERE fragment with TypeORM named parameters; values never enter the SQL text. */
export interface SqlCondition {
  readonly clause: string;
  readonly parameters: Record<string, unknown>;
}

const COLUMNS: Record<Exclude<SelectorKey, 'tag'>, string> = { site: 'site_id', model: 'model', vendor: 'vendor', protocol: 'protocol' };

/** The terms as SQL over the stations table under `alias`; true when there are none. */
export function selectorSql(terms: readonly SelectorTerm[], alias: string): SqlCondition {
  const parameters: Record<string, unknown> = {};
  const clauses = terms.map((term, index) => {
    const name = `selector${index}`;
    parameters[name] = [...term.values];
    // IS DISTINCT FROM keeps stations whose column is null in a negated term.
    const positive = term.key === 'tag' ? `${alias}.tags && CAST(:${name} AS text[])` : `${alias}.${COLUMNS[term.key]} = ANY(CAST(:${name} AS text[]))`;
    if (!term.negated) return positive;
    return term.key === 'tag' ? `NOT (${positive})` : `(${alias}.${COLUMNS[term.key]} IS NULL OR NOT (${positive}))`;
  });
  return { clause: clauses.length === 0 ? 'TRUE' : clauses.join(' AND '), parameters };
}
