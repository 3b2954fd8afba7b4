import Ajv, { type Options, type SchemaObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { type LeniencyProfile, type Relaxation } from '../leniency/leniency-profile';
import { validateLeniently } from '../leniency/lenient-validation';
import { type RpcErrorKind } from '../rpc/rpc-error-kind';
import { type OcppVersion, type PayloadDirection } from '../versions/ocpp-version';
import { type OcppVersionDescriptor } from '../versions/version-descriptor';
import { requireDescriptor } from '../versions/version-registry';
import { isDateTime } from './date-time.format';
import { MAX_LENGTH_KEYWORD } from './max-length.keyword';
import { schemaFailure, toViolations } from './schema-error.mapper';

export type ValidationResult =
  | { ok: true; payload: unknown; relaxed: Relaxation[] }
  | { ok: false; kind: RpcErrorKind; description: string; details: Record<string, unknown> };

const BASE_OPTIONS: Options = {
  // The OCA schemas carry non-standard keywords (2.1: javaType, comment) and items+additionalItems.
  strict: false,
  // NaN and Infinity (JSON "1e999") are not numbers on the wire.
  strictNumbers: true,
  // 1.6 charging limits are multipleOf 0.1; without a tolerance 0.7 A fails on float rounding.
  multipleOfPrecision: 9,
  formats: { 'date-time': { type: 'string', validate: isDateTime } },
  // The schemas are the fixed official set; a spec checks them against the meta-schema once
  // instead of every process paying for it at compile time.
  validateSchema: false,
  code: { optimize: true },
};

function createAjv(options: Options): Ajv {
  const ajv = new Ajv({ ...BASE_OPTIONS, ...options });
  addFormats(ajv, ['uri']);
  ajv.removeKeyword('maxLength');
  ajv.addKeyword(MAX_LENGTH_KEYWORD);
  return ajv;
}

type Caches = Record<PayloadDirection, Map<string, ValidateFunction>>;

interface ActionSchemas {
  request?: SchemaObject;
  response?: SchemaObject;
}

const ELLIPSIS_AFTER = 64;

function quoted(text: string): string {
  return JSON.stringify(text.length > ELLIPSIS_AFTER ? `${text.slice(0, ELLIPSIS_AFTER)}…` : text);
}

/**
 * Schema validation for one OCPP version. Two compiled validators per schema, each compiled on
 * first use and cached: a first-error one for the fast path, and an all-errors one with data that
 * runs only after a failure, to report every violation and to apply leniency.
 */
export class OcppValidator {
  readonly version: OcppVersion;
  readonly actions: readonly string[];
  private readonly schemas = new Map<string, ActionSchemas>();
  private readonly fastAjv = createAjv({ allErrors: false });
  private slowAjv: Ajv | undefined;
  private readonly fast: Caches = { request: new Map(), response: new Map() };
  private readonly slow: Caches = { request: new Map(), response: new Map() };

  constructor(version: OcppVersion | OcppVersionDescriptor) {
    const descriptor = typeof version === 'string' ? requireDescriptor(version) : version;
    this.version = descriptor.version;
    for (const schema of descriptor.schemas) {
      const key = typeof schema.$id === 'string' ? descriptor.schemaKeyOf(schema.$id) : undefined;
      if (!key) throw new Error(`${descriptor.version}: schema without a recognised $id`);
      const entry = this.schemas.get(key.action) ?? {};
      entry[key.direction] = schema;
      this.schemas.set(key.action, entry);
    }
    this.actions = Object.freeze([...this.schemas.keys()].sort());
  }

  hasAction(action: string): boolean {
    return this.schemas.has(action);
  }

  validateRequest(action: string, payload: unknown, leniency?: LeniencyProfile): ValidationResult {
    return this.validate(action, 'request', payload, leniency);
  }

  validateResponse(action: string, payload: unknown, leniency?: LeniencyProfile): ValidationResult {
    return this.validate(action, 'response', payload, leniency);
  }

  /** Compiles every schema now, e.g. at process start, so no frame pays for a first compile. */
  precompile(): void {
    for (const action of this.actions) {
      this.compiled(this.fast, this.fastAjv, action, 'request');
      this.compiled(this.fast, this.fastAjv, action, 'response');
    }
  }

  private validate(action: string, direction: PayloadDirection, payload: unknown, leniency?: LeniencyProfile): ValidationResult {
    if (!this.schemas.has(action)) {
      return { ok: false, kind: 'NotImplemented', description: `${quoted(action)} is not an ${this.version} action`, details: {} };
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return schemaFailure(action, direction, [{ path: '', rule: 'type', message: 'must be a JSON object' }]);
    }
    if (this.compiled(this.fast, this.fastAjv, action, direction)(payload)) return { ok: true, payload, relaxed: [] };

    this.slowAjv ??= createAjv({ allErrors: true, verbose: true });
    const thorough = this.compiled(this.slow, this.slowAjv, action, direction);
    if (leniency) {
      const outcome = validateLeniently(thorough, payload, action, leniency);
      if (outcome.ok) return outcome;
      return schemaFailure(action, direction, toViolations(outcome.errors));
    }
    thorough(payload);
    return schemaFailure(action, direction, toViolations(thorough.errors ?? []));
  }

  private compiled(caches: Caches, ajv: Ajv, action: string, direction: PayloadDirection): ValidateFunction {
    const cache = caches[direction];
    let validate = cache.get(action);
    if (!validate) {
      const schema = this.schemas.get(action)?.[direction];
      if (!schema) throw new Error(`${this.version}: no ${direction} schema for ${action}`);
      // Compiled without its $id: ajv's URI resolver rejects the OCA ids ("urn:Authorize.req" has
      // no namespace id), and every $ref in these schemas is local anyway.
      const { $id: _id, ...body } = schema;
      validate = ajv.compile(body);
      cache.set(action, validate);
    }
    return validate;
  }
}

const validators = new Map<OcppVersion, OcppValidator>();

/** The shared validator of a version (schemas compile once per process). */
export function getValidator(version: OcppVersion): OcppValidator {
  let validator = validators.get(version);
  if (!validator) {
    validator = new OcppValidator(version);
    validators.set(version, validator);
  }
  return validator;
}
