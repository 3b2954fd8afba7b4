import { parseSelector, selectorSql } from './station-selector.parser';

describe('station selectors', () => {
  it('parses terms, negation and alternatives', () => {
    expect(parseSelector('site=depot-north, tag=dc|fast ,model!=AC22')).toEqual({
      ok: true,
      terms: [
        { key: 'site', negated: false, values: ['depot-north'] },
        { key: 'tag', negated: false, values: ['dc', 'fast'] },
        { key: 'model', negated: true, values: ['AC22'] },
      ],
    });
  });

  it.each([
    ['an unknown key', 'colour=red', /unknown key "colour"/],
    ['a term without operator', 'site', /not key=value/],
    ['an empty value', 'tag=', /not key=value/],
    ['an empty alternative', 'tag=a|', /not a valid value/],
    ['SQL in a value', "site=x';DROP TABLE stations;--", /not a valid value/],
    ['too many terms', Array.from({ length: 21 }, () => 'tag=a').join(','), /at most 20 terms/],
  ])('refuses %s', (_what, text, error) => {
    const parsed = parseSelector(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });

  it('builds SQL with the values as parameters only', () => {
    const parsed = parseSelector('site=S1|S2,tag=dc,model!=AC22,tag!=broken');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(selectorSql(parsed.terms, 'station')).toEqual({
      clause:
        'station.site_id = ANY(CAST(:selector0 AS text[])) AND station.tags && CAST(:selector1 AS text[]) AND ' +
        '(station.model IS NULL OR NOT (station.model = ANY(CAST(:selector2 AS text[])))) AND NOT (station.tags && CAST(:selector3 AS text[]))',
      parameters: { selector0: ['S1', 'S2'], selector1: ['dc'], selector2: ['AC22'], selector3: ['broken'] },
    });
  });

  it('selects everything with no terms', () => {
    expect(selectorSql([], 'station')).toEqual({ clause: 'TRUE', parameters: {} });
  });
});
