import type { StationCondition } from '@evcsms/data-access';
import { badRequest } from '../http/problem';
import { parseSelector, selectorSql, type SelectorTerm } from './station-selector.parser';

export interface StationFilterQuery {
  readonly selector?: string;
  readonly siteId?: string;
  readonly tag?: string;
  readonly model?: string;
}

/** `?selector=` and the shorthand filters as one SQL condition over the `station` alias; undefined when none is given. */
export function stationCondition(query: StationFilterQuery): StationCondition | undefined {
  const terms: SelectorTerm[] = [];
  if (query.selector !== undefined) {
    const parsed = parseSelector(query.selector);
    if (!parsed.ok) throw badRequest(`selector: ${parsed.error}`);
    terms.push(...parsed.terms);
  }
  for (const [key, value] of [['site', query.siteId], ['tag', query.tag], ['model', query.model]] as const) {
    if (value === undefined) continue;
    const parsed = parseSelector(`${key}=${value}`);
    if (!parsed.ok) throw badRequest(`${key === 'site' ? 'siteId' : key}: ${parsed.error}`);
    terms.push(...parsed.terms);
  }
  return terms.length === 0 ? undefined : selectorSql(terms, 'station');
}
