import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

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
  ) {
    super(detail ?? title);
  }
}

export const notFound = (what: string): ProblemError => new ProblemError(404, 'Not Found', `${what} does not exist`);
export const badRequest = (detail: string, extensions: Record<string, unknown> = {}): ProblemError =>
  new ProblemError(400, 'Bad Request', detail, extensions);

const TYPE_BASE = 'https://evcsms.dev/problems/';

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly onUnexpected: (error: unknown) => void) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const problem = this.toProblem(error);
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }

  private toProblem(error: unknown): ProblemDetails {
    if (error instanceof ProblemError) {
      return { type: `${TYPE_BASE}${slug(error.title)}`, title: error.title, status: error.status, detail: error.detail, ...error.extensions };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
      return { type: `${TYPE_BASE}${slug(error.name)}`, title: titleOf(status), status, detail };
    }
    // Fastify's own errors (bad JSON body, too large) carry a statusCode.
    const statusCode = (error as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return { type: `${TYPE_BASE}bad-request`, title: titleOf(statusCode), status: statusCode, detail: (error as Error).message };
    }
    this.onUnexpected(error);
    return { type: `${TYPE_BASE}internal-error`, title: 'Internal Server Error', status: 500, detail: 'An unexpected error occurred' };
  }
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function titleOf(status: number): string {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    504: 'Gateway Timeout',
  };
  return titles[status] ?? 'Error';
}
