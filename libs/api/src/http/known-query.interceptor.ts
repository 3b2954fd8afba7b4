import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { badRequest } from './problem';

/**
 * Refuses query parameters the operation does not read with 400, on every route: a misspelt
 * filter must not silently answer the unfiltered list. What an operation reads is what its
 * handler declares with `@Query('name')` (the same declarations the OpenAPI document is made
 * from); a handler taking the whole query object (`@Query()`) checks its own. Each parameter
 * takes one value: one given twice is 400 too.
 */
@Injectable()
export class KnownQueryInterceptor implements NestInterceptor {
  private readonly accepted = new WeakMap<object, ReadonlySet<string> | null>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const accepted = this.acceptedBy(context);
      const query = context.switchToHttp().getRequest<FastifyRequest>().query as Record<string, unknown> | undefined;
      const unknown = accepted ? Object.keys(query ?? {}).filter((name) => !accepted.has(name)) : [];
      if (unknown.length > 0) {
        throw badRequest(`unknown query parameter ${quoted(unknown)}; this operation accepts ${accepted!.size > 0 ? [...accepted!].sort().join(', ') : 'none'}`);
      }
      // Every parameter holds one value: a repeated one would reach the handler as an array.
      const repeated = accepted ? Object.entries(query ?? {}).filter(([, value]) => Array.isArray(value)) : [];
      if (repeated.length > 0) throw badRequest(`query parameter ${quoted(repeated.map(([name]) => name))} is given more than once`);
    }
    return next.handle();
  }

  private acceptedBy(context: ExecutionContext): ReadonlySet<string> | null {
    const handler = context.getHandler();
    let accepted = this.accepted.get(handler);
    if (accepted === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, { data?: unknown }>;
      const queries = Object.entries(args).filter(([key]) => key.split(':')[0] === String(RouteParamtypes.QUERY));
      accepted = queries.some(([, arg]) => typeof arg.data !== 'string') ? null : new Set(queries.map(([, arg]) => arg.data as string));
      this.accepted.set(handler, accepted);
    }
    return accepted;
  }
}

function quoted(names: readonly string[]): string {
  return names.map((name) => `"${name.length > 40 ? `${name.slice(0, 40)}...` : name}"`).join(', ');
}
