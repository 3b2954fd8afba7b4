import { type PipeTransform } from '@nestjs/common';
import Ajv, { type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { badRequest } from './problem';

const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false, removeAdditional: false });
addFormats(ajv);

/**
 * Validates a request part against a JSON schema; the same schema documents it in OpenAPI, so
 * the contract and the check cannot drift apart.
 */
export class JsonSchemaPipe<T> implements PipeTransform<unknown, T> {
  private readonly validate: ValidateFunction<T>;

  constructor(
    schema: JSONSchemaType<T> | Record<string, unknown>,
    private readonly what = 'request body',
  ) {
    this.validate = ajv.compile<T>(schema as JSONSchemaType<T>);
  }

  transform(value: unknown): T {
    if (this.validate(value ?? {})) return (value ?? {}) as T;
    throw badRequest(`The ${this.what} is invalid`, { errors: (this.validate.errors ?? []).map(describe) });
  }
}

function describe(error: ErrorObject): { path: string; message: string } {
  const path = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    return { path, message: `unknown property "${String((error.params as { additionalProperty: string }).additionalProperty)}"` };
  }
  return { path, message: error.message ?? error.keyword };
}
