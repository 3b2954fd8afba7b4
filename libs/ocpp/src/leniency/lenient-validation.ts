import { type ErrorObject, type ValidateFunction } from 'ajv';
import { isDateTimeWithoutZone } from '../validation/date-time.format';
import { pathOfError } from '../validation/schema-error.mapper';
import { type LeniencyProfile, type RelaxableCheck, type Relaxation, ruleCovers } from './leniency-profile';

/** What to do with the offending value: keep it, replace it, or drop the property. */
type Fix = { kind: 'keep' } | { kind: 'replace'; value: unknown } | { kind: 'remove' };

interface Plan {
  check: RelaxableCheck;
  path: string;
  error: ErrorObject;
  fix: Fix;
}

const KEEP: Fix = { kind: 'keep' };
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Coercions change types, which can surface new errors (a coerced string over maxLength): re-check a few times. */
const MAX_ROUNDS = 4;

/** Which relaxable check an error is, and how the value would be fixed; undefined when none applies. */
function classify(error: ErrorObject): { check: RelaxableCheck; fix: Fix } | undefined {
  const params = error.params as Record<string, unknown>;
  const data: unknown = error.data;
  switch (error.keyword) {
    case 'maxLength':
      return { check: 'maxLength', fix: KEEP };
    case 'enum':
      return { check: 'enum', fix: KEEP };
    case 'additionalProperties':
      // Dropped so the accepted payload has its schema's shape.
      return { check: 'additionalProperties', fix: { kind: 'remove' } };
    case 'format':
      if (params.format === 'date-time' && typeof data === 'string' && isDateTimeWithoutZone(data)) {
        // OCPP times are UTC; a zone-less string would be read as local time by Date.
        return { check: 'dateTimeWithoutZone', fix: { kind: 'replace', value: `${data}Z` } };
      }
      return undefined;
    case 'type':
      if (params.type === 'string' && typeof data === 'number') {
        return { check: 'numberAsString', fix: { kind: 'replace', value: String(data) } };
      }
      if ((params.type === 'number' || params.type === 'integer') && typeof data === 'string' && NUMERIC.test(data)) {
        const value = Number(data);
        if (Number.isFinite(value) && (params.type === 'number' || Number.isInteger(value))) {
          return { check: 'stringAsNumber', fix: { kind: 'replace', value } };
        }
      }
      return undefined;
    default:
      return undefined;
  }
}

function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function shallowCopy(node: unknown): unknown {
  if (Array.isArray(node)) return node.slice();
  // Spread defines own properties, so a "__proto__" key stays data and never touches a prototype.
  return { ...(node as Record<string, unknown>) };
}

/** Applies fixes copy-on-write: only containers on the way to a fixed value are copied. */
function applyFixes(root: unknown, plans: readonly Plan[]): unknown {
  const copies = new WeakSet<object>();
  const copyRoot = shallowCopy(root) as object;
  copies.add(copyRoot);
  for (const plan of plans) {
    const segments = plan.path.split('/').slice(1).map(unescapeSegment);
    let parent = copyRoot as Record<string, unknown>;
    for (const segment of segments.slice(0, -1)) {
      const child = parent[segment];
      if (typeof child !== 'object' || child === null) break;
      let copy = child;
      if (!copies.has(child)) {
        copy = shallowCopy(child) as object;
        copies.add(copy);
        Object.defineProperty(parent, segment, { value: copy, writable: true, enumerable: true, configurable: true });
      }
      parent = copy as Record<string, unknown>;
    }
    const key = segments.at(-1);
    // The payload root itself is never fixed: it is an object or validation stopped earlier.
    if (key === undefined) continue;
    if (plan.fix.kind === 'remove') delete parent[key];
    else if (plan.fix.kind === 'replace') {
      Object.defineProperty(parent, key, { value: plan.fix.value, writable: true, enumerable: true, configurable: true });
    }
  }
  return copyRoot;
}

export type LenientOutcome =
  | { ok: true; payload: unknown; relaxed: Relaxation[] }
  | { ok: false; errors: ErrorObject[] };

/**
 * Accepts a payload that failed strict validation when every error is covered by a rule of the
 * profile, fixing values where that is meaningful and re-validating the result, so a violation
 * the profile does not name still fails. `validate` must report all errors with their data.
 */
export function validateLeniently(
  validate: ValidateFunction,
  payload: unknown,
  action: string,
  profile: LeniencyProfile,
): LenientOutcome {
  let current = payload;
  const relaxed = new Map<string, Relaxation>();
  const record = (check: RelaxableCheck, path: string): void => {
    relaxed.set(`${check} ${path}`, { check, action, path, profile: profile.name });
  };

  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (validate(current)) return { ok: true, payload: current, relaxed: [...relaxed.values()] };
    const errors = validate.errors ?? [];
    const plans: Plan[] = [];
    const uncovered: ErrorObject[] = [];
    for (const error of errors) {
      const found = classify(error);
      const path = pathOfError(error);
      if (found && profile.relax.some((rule) => ruleCovers(rule, found.check, action, path))) {
        plans.push({ check: found.check, path, error, fix: found.fix });
      } else {
        uncovered.push(error);
      }
    }
    const fixes = plans.filter((plan) => plan.fix.kind !== 'keep');
    if (fixes.length > 0) {
      // Fix first and judge on the next round: a fixed value can clear other errors at its path.
      current = applyFixes(current, fixes);
      for (const plan of fixes) record(plan.check, plan.path);
      continue;
    }
    if (uncovered.length > 0) return { ok: false, errors: uncovered };
    for (const plan of plans) record(plan.check, plan.path);
    return { ok: true, payload: current, relaxed: [...relaxed.values()] };
  }
  validate(current);
  return { ok: false, errors: validate.errors ?? [] };
}
