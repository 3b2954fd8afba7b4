import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { isInvalidInputDatabaseError } from '@evcsms/data-access';
import type { FastifyRequest } from 'fastify';
import { catchError, throwError, type Observable } from 'rxjs';
import { badRequest } from './problem';

/**
 * Text no route can take, checked once for all of them: PostgreSQL refuses U+0000 in text and
 * jsonb and unpaired UTF-16 surrogates in jsonb (a UTF-8 encoder turns them into U+FFFD in text),
 * and control characters have no business in an identifier or a filter.
 *
 * - path parameters, query parameters, identifier-like body fields (`id`, `name`, `idToken`,
 *   `...Id`) and property names: no C0 control character, no DEL, no unpaired surrogate;
 * - every other body string (free text: descriptions, alt text, DataTransfer data): the same,
 *   except tab, line feed and carriage return.
 */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const ANY_CONTROL = /[\u0000-\u001F\u007F]/;
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const CONTROL_BUT_WHITESPACE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const IDENTIFIER_KEY = /^(id|name|idToken)$|Id$/;
const SIMPLE_KEY = /^[A-Za-z_$][\w$]*$/;
/** Enough to fix a request; a body of a million bad strings is not listed in full. */
const MAX_REPORTED = 20;

export interface TextViolation {
  /** Where: `path.id`, `query.stationId`, `body.entries[2].idToken`. Never the value. */
  readonly path: string;
  readonly message: string;
}

/** What is wrong with one string, or undefined; `strict` also refuses tab, LF and CR. */
export function textProblem(text: string, strict: boolean): string | undefined {
  const control = (strict ? ANY_CONTROL : CONTROL_BUT_WHITESPACE).exec(text);
  if (control) return `contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (UNPAIRED_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate';
  return undefined;
}

/** Every violation in a request's path parameters, query and JSON body. */
export function findTextViolations(request: { params?: unknown; query?: unknown; body?: unknown }): TextViolation[] {
  const found: TextViolation[] = [];
  const report = (path: string, message: string | undefined): void => {
    if (message !== undefined && found.length < MAX_REPORTED) found.push({ path, message });
  };
  for (const [part, value] of [['path', request.params], ['query', request.query]] as const) {
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, item] of Object.entries(value)) {
      const path = `${part}${member(key)}`;
      report(path, textProblem(key, true));
      for (const [index, text] of (Array.isArray(item) ? item : [item]).entries()) {
        if (typeof text === 'string') report(Array.isArray(item) ? `${path}[${index}]` : path, textProblem(text, true));
      }
    }
  }
  walkBody(request.body, 'body', false, report);
  return found;
}

function walkBody(value: unknown, path: string, strict: boolean, report: (path: string, message: string | undefined) => void): void {
  if (typeof value === 'string') {
    report(path, textProblem(value, strict));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => walkBody(item, `${path}[${index}]`, strict, report));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = textProblem(key, true);
    if (keyProblem !== undefined) {
      report(`${path} (a property name)`, keyProblem);
      continue;
    }
    walkBody(item, `${path}${member(key)}`, IDENTIFIER_KEY.test(key), report);
  }
}

/** `.stationId`, or `["odd key"]` for a key that is not a plain name. */
function member(key: string): string {
  return SIMPLE_KEY.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * Runs after authentication and before any pipe or handler: a request with such text is answered
 * 400 problem+json naming every place (`errors[].path`), and never reaches the database or a
 * station. Behind it, a value PostgreSQL still refuses (SQLSTATE class 22: a date out of its
 * range, text hidden in an opaque cursor) is the request's fault too: 400, not 500.
 */
@Injectable()
export class TextGuardInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const violations = findTextViolations(context.switchToHttp().getRequest<FastifyRequest>());
      if (violations.length > 0) {
        throw badRequest(`Text in ${violations.map((violation) => violation.path).join(', ')} is not accepted: ${violations[0]!.message}`, { errors: violations });
      }
    }
    return next
      .handle()
      .pipe(catchError((error: unknown) => throwError(() => (isInvalidInputDatabaseError(error) ? badRequest('A value in the request cannot be stored or compared') : error))));
  }
}
