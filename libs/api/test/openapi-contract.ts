import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.0 document the contract tests read. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly servers?: ReadonlyArray<{ url: string }>;
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, Record<string, unknown>> };
}

export interface OpenApiOperation {
  readonly operationId?: string;
  readonly summary?: string;
  readonly parameters?: ReadonlyArray<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  readonly requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> };
  readonly responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

export type Schema = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of the document as [method, path, operation]. */
export function operationsOf(document: OpenApiDocument): Array<[string, string, OpenApiOperation]> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]): [string, string, OpenApiOperation] => [method, path, operation]),
  );
}

/** Follows a local `$ref` to the schema it names. */
export function resolve(document: OpenApiDocument, schema: Schema | undefined): Schema | undefined {
  const ref = schema?.['$ref'];
  if (typeof ref !== 'string') return schema;
  return resolve(document, document.components.schemas?.[ref.replace('#/components/schemas/', '')]);
}

/**
 * Validates real answers against the schemas the document publishes: the response of
 * `method path` with `status`, as an ajv validator (OpenAPI 3.0 keywords: nullable, example).
 */
export class ResponseChecker {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });

  constructor(private readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ components: document.components }, 'openapi');
  }

  validator(method: string, path: string, status: number, mediaType = 'application/json'): ValidateFunction {
    const schema = this.document.paths[path]?.[method]?.responses[String(status)]?.content?.[mediaType]?.schema;
    if (!schema) throw new Error(`${method.toUpperCase()} ${path} documents no ${mediaType} schema for ${status}`);
    return this.ajv.compile(rebase(schema) as Schema);
  }

  /** Throws with ajv's errors when `body` does not match; returns it otherwise. */
  check(method: string, path: string, status: number, body: unknown, mediaType?: string): unknown {
    const validate = this.validator(method, path, status, mediaType);
    if (!validate(body)) throw new Error(`${method.toUpperCase()} ${path} ${status}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(body)}`);
    return body;
  }
}

/** `#/components/...` inside an operation, resolved against the document added as "openapi". */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? `openapi${value}` : rebase(value)]));
}
