import { type ErrorObject } from 'ajv';
import { type RpcErrorKind } from '../rpc/rpc-error-kind';
import { type PayloadDirection } from '../versions/ocpp-version';

/** One schema violation as reported to callers and in CALLERROR errorDetails. */
export interface SchemaViolation {
  /** JSON Pointer to the offending field ("" is the payload itself). */
  path: string;
  /** The JSON Schema keyword that failed ("required", "maxLength", ...). */
  rule: string;
  message: string;
}

/**
 * The error-mapping table: JSON Schema keyword -> OCPP-J error kind, by the OCPP-J definitions.
 * - Occurrence: a field or item is missing or there are too many/few of them.
 * - Type: a value has the wrong data type (a malformed date-time is the wrong data type too).
 * - Property: a value of the right type that is not allowed (enum, length, range, pattern).
 * - Format: the payload does not have the PDU's structure (a field the PDU does not define).
 * Anything else, and a payload that is not a JSON object, is a FormatViolation.
 */
export const KIND_BY_RULE: Readonly<Record<string, RpcErrorKind>> = {
  required: 'OccurrenceConstraintViolation',
  minItems: 'OccurrenceConstraintViolation',
  maxItems: 'OccurrenceConstraintViolation',
  minProperties: 'OccurrenceConstraintViolation',
  maxProperties: 'OccurrenceConstraintViolation',
  additionalItems: 'OccurrenceConstraintViolation',
  type: 'TypeConstraintViolation',
  format: 'TypeConstraintViolation',
  enum: 'PropertyConstraintViolation',
  const: 'PropertyConstraintViolation',
  maxLength: 'PropertyConstraintViolation',
  minLength: 'PropertyConstraintViolation',
  minimum: 'PropertyConstraintViolation',
  maximum: 'PropertyConstraintViolation',
  exclusiveMinimum: 'PropertyConstraintViolation',
  exclusiveMaximum: 'PropertyConstraintViolation',
  multipleOf: 'PropertyConstraintViolation',
  pattern: 'PropertyConstraintViolation',
  uniqueItems: 'PropertyConstraintViolation',
  additionalProperties: 'FormatViolation',
};

/** When one payload breaks several rules, the most structural problem names the error. */
const KIND_PRECEDENCE: readonly RpcErrorKind[] = [
  'FormatViolation',
  'OccurrenceConstraintViolation',
  'TypeConstraintViolation',
  'PropertyConstraintViolation',
];

const MAX_REPORTED_VIOLATIONS = 10;
const MAX_DESCRIBED_VIOLATIONS = 3;

export function kindOfRule(rule: string): RpcErrorKind {
  const kind = Object.prototype.hasOwnProperty.call(KIND_BY_RULE, rule) ? KIND_BY_RULE[rule] : undefined;
  return kind ?? 'FormatViolation';
}

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Where the error is: for required/additionalProperties, the missing or extra field itself. */
export function pathOfError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `${error.instancePath}/${escapePointerSegment(String(params.missingProperty))}`;
  if (error.keyword === 'additionalProperties') {
    return `${error.instancePath}/${escapePointerSegment(String(params.additionalProperty))}`;
  }
  return error.instancePath;
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not defined by the schema';
    case 'type':
      return `must be ${String(params.type)}`;
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? (params.allowedValues as unknown[]) : [];
      const shown = allowed.slice(0, 6).map(String).join(', ');
      return `must be one of ${shown}${allowed.length > 6 ? ', ...' : ''}`;
    }
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters`;
    case 'format':
      return `must be a valid ${String(params.format)}`;
    default:
      return error.message ?? `violates ${error.keyword}`;
  }
}

export function toViolations(errors: readonly ErrorObject[]): SchemaViolation[] {
  return errors.map((error) => ({ path: pathOfError(error), rule: error.keyword, message: messageOf(error) }));
}

/** A payload that is not even an object does not have the PDU's structure at all. */
function kindOfViolation(violation: SchemaViolation): RpcErrorKind {
  return violation.path === '' && violation.rule === 'type' ? 'FormatViolation' : kindOfRule(violation.rule);
}

export function kindOfViolations(violations: readonly SchemaViolation[]): RpcErrorKind {
  const kinds = new Set(violations.map(kindOfViolation));
  return KIND_PRECEDENCE.find((kind) => kinds.has(kind)) ?? 'FormatViolation';
}

export interface SchemaFailure {
  ok: false;
  kind: RpcErrorKind;
  description: string;
  details: Record<string, unknown>;
}

/** "BootNotification request: /chargePointVendor is required (required); ..." plus structured details. */
export function schemaFailure(action: string, direction: PayloadDirection, violations: readonly SchemaViolation[]): SchemaFailure {
  const described = violations
    .slice(0, MAX_DESCRIBED_VIOLATIONS)
    .map((violation) => `${violation.path || '(payload)'} ${violation.message} (${violation.rule})`)
    .join('; ');
  const more = violations.length > MAX_DESCRIBED_VIOLATIONS ? ` and ${violations.length - MAX_DESCRIBED_VIOLATIONS} more` : '';
  const details: Record<string, unknown> = { errors: violations.slice(0, MAX_REPORTED_VIOLATIONS) };
  if (violations.length > MAX_REPORTED_VIOLATIONS) details.omitted = violations.length - MAX_REPORTED_VIOLATIONS;
  return { ok: false, kind: kindOfViolations(violations), description: `${action} ${direction}: ${described}${more}`, details };
}
