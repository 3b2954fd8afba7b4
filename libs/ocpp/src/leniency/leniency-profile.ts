/** The named checks a profile may relax; each maps to exactly one kind of schema error. */
export type RelaxableCheck =
  | 'maxLength'
  | 'enum'
  | 'numberAsString'
  | 'stringAsNumber'
  | 'additionalProperties'
  | 'dateTimeWithoutZone';

export interface RelaxationRule {
  check: RelaxableCheck;
  /** Only these actions (default: all). */
  actions?: string[];
  /** Only these JSON Pointer paths; a "*" segment matches any one segment (default: all). */
  paths?: string[];
}

/**
 * Known deviations of a charger vendor/model, relaxed one named check at a time instead of
 * switching validation off for the station.
 */
export interface LeniencyProfile {
  name: string;
  /** Case-insensitive; exact, or a glob with "*" (any run of characters) and "?" (one character). */
  match: { vendor?: string; model?: string };
  relax: RelaxationRule[];
}

/** One accepted deviation, for the caller to count and log. */
export interface Relaxation {
  check: RelaxableCheck;
  action: string;
  path: string;
  profile: string;
}

function globMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'is').test(value);
}

/**
 * The first profile (in the given order) whose vendor and model patterns both match; a profile
 * that leaves one out matches any value of it, including none.
 */
export function findLeniencyProfile(
  profiles: readonly LeniencyProfile[],
  vendor?: string,
  model?: string,
): LeniencyProfile | undefined {
  return profiles.find(
    ({ match }) =>
      (match.vendor === undefined || globMatches(match.vendor, vendor)) &&
      (match.model === undefined || globMatches(match.model, model)),
  );
}

/** Does a "/a/*\/b" path pattern match a concrete JSON Pointer? */
export function pathMatches(pattern: string, path: string): boolean {
  const expected = pattern.split('/');
  const actual = path.split('/');
  return expected.length === actual.length && expected.every((segment, i) => segment === '*' || segment === actual[i]);
}

export function ruleCovers(rule: RelaxationRule, check: RelaxableCheck, action: string, path: string): boolean {
  return (
    rule.check === check &&
    (rule.actions === undefined || rule.actions.includes(action)) &&
    (rule.paths === undefined || rule.paths.some((pattern) => pathMatches(pattern, path)))
  );
}
