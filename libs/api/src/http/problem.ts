import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, HttpException, NotFoundException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteTable } from './route-table';

/** RFC 7807 problem details: what every error of the API looks like on the wire. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly [extension: string]: unknown;
}

/** Domain code throws these; the filter turns them into problem+json. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
    /** Response headers that belong to the problem (Allow for 405). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export const notFound = (what: string): ProblemError => new ProblemError(404, 'Not Found', `${what} does not exist`);
export const badRequest = (detail: string, extensions: Record<string, unknown> = {}): ProblemError =>
  new ProblemError(400, 'Bad Request', detail, extensions);

const TYPE_BASE = 'https://evcsms.dev/problems/';

/** A problem type of its own, for problems that share a status but call for different handling (set as the `type` extension). */
export function problemType(name: string): string {
  return `${TYPE_BASE}${name}`;
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly onUnexpected: (error: unknown) => void,
    private readonly routes?: RouteTable,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    if (error instanceof NotFoundException && http.getRequest<FastifyRequest>().is404) {
      sendProblem(reply, this.unrouted(http.getRequest<FastifyRequest>()));
      return;
    }
    sendProblem(reply, this.toProblem(error));
  }

  /** No route matched: 405 with Allow when the path exists for other methods, else 404. */
  private unrouted(request: FastifyRequest): ProblemError {
    const path = request.url.split('?')[0] ?? '';
    const allowed = this.routes?.allowedAt(path) ?? [];
    if (allowed.length > 0) {
      return new ProblemError(405, 'Method Not Allowed', `${request.method} is not allowed here; allowed: ${allowed.join(', ')}`, {}, { allow: allowed.join(', ') });
    }
    return new ProblemError(404, 'Not Found', `no resource at ${abbreviated(path)}`);
  }

  private toProblem(error: unknown): ProblemError {
    if (error instanceof ProblemError) return error;
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
      return new ProblemError(status, titleOf(status), detail);
    }
    const framework = frameworkProblem(error);
    if (framework) return framework;
    this.onUnexpected(error);
    return new ProblemError(500, 'Internal Server Error', 'An unexpected error occurred');
  }
}

/**
 * Fastify's own errors (bad JSON body, body too large, a path parameter too long, a malformed
 * URL) carry a 4xx statusCode; their messages can quote the request, so those are replaced.
 */
export function frameworkProblem(error: unknown): ProblemError | undefined {
  const { statusCode, code, message } = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  switch (code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ProblemError(414, titleOf(414), 'a path segment of this URL is longer than the API accepts');
    case 'FST_ERR_BAD_URL':
      return new ProblemError(400, titleOf(400), 'the URL is not valid (bad percent-encoding)');
    default:
      return new ProblemError(statusCode, titleOf(statusCode), abbreviated(typeof message === 'string' ? message : titleOf(statusCode)));
  }
}

/** Fastify's `frameworkErrors`: errors answered before routing are problems too. */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(reply, frameworkProblem(error) ?? new ProblemError(500, 'Internal Server Error', 'An unexpected error occurred'));
}

/** Writes a problem as application/problem+json: the one way errors leave this API. */
export function sendProblem(reply: FastifyReply, error: ProblemError): void {
  const problem: ProblemDetails = { type: `${TYPE_BASE}${slug(error.title)}`, title: error.title, status: error.status, detail: error.detail, ...error.extensions };
  for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
  void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function titleOf(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** Request text quoted in a problem is cut short: a detail must not echo a huge input back. */
function abbreviated(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
