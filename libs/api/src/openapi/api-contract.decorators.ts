import { STATUS_CODES } from 'node:http';
import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { MAX_PAGE_SIZE } from '../http/pagination';
import { PROBLEM } from './problem.schema';
import type { JsonSchema, SchemaRef } from './schema-components';

/** The JSON answer of an operation for one success status. */
export function ApiAnswer(schema: SchemaRef | JsonSchema, status = 200, description = STATUS_CODES[status] ?? 'Success'): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, content: { 'application/json': { schema } } });
}

/** The problem+json answers an operation gives besides 401 and 403 (every operation has those). */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse(problemResponse(status))));
}

export function problemResponse(status: number): { status: number; description: string; content: Record<string, { schema: SchemaRef }> } {
  return { status, description: STATUS_CODES[status] ?? 'Error', content: { 'application/problem+json': { schema: PROBLEM } } };
}

/** The JSON request body, documented with the schema its pipe validates with. */
export function ApiJsonBody(schema: SchemaRef | JsonSchema, required = true): MethodDecorator {
  return ApiBody({ required, schema });
}

/** `limit` and `cursor` of every list. */
export function ApiPageQuery(defaultSize = 50): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: defaultSize } }),
    ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' }, description: 'the `nextCursor` of the previous page' }),
  );
}

/** An optional ISO-8601 `from`/`to` pair: the period [from, to). */
export function ApiPeriodQuery(what: string, required = false): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'from', required, schema: { type: 'string', format: 'date-time' }, description: `${what} at or after (inclusive)` }),
    ApiQuery({ name: 'to', required, schema: { type: 'string', format: 'date-time' }, description: `${what} before (exclusive); must be after from` }),
  );
}
