import type { Logger } from '@evcsms/logging';
import { LATENCY_BUCKETS_SECONDS, type MetricsRegistry } from '@evcsms/metrics';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../auth/api-key.guard';

/** Scraped and probed every few seconds: counted, but logged at debug only. */
const OPS_ROUTES: ReadonlySet<string> = new Set(['/metrics', '/healthz', '/readyz']);

/**
 * One JSON log line per HTTP request ("http request": method, route template, status, duration,
 * the API key's id and name) and the `http_server_requests_seconds` histogram. The route is the
 * template (`/api/v1/stations/:id`), never the raw URL: bounded labels, and no ids or query
 * strings in the metric. Neither the key nor the Authorization header is ever logged.
 */
export function registerAccessLog(fastify: FastifyInstance, logger: Logger, metrics: MetricsRegistry): void {
  const duration = metrics.histogram('http_server_requests_seconds', 'HTTP requests by method, route template and status', ['method', 'route', 'status'] as const, LATENCY_BUCKETS_SECONDS);
  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    // Unmatched URLs (404s of any path) share one label value.
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    duration.observe({ method: request.method, route, status: String(status) }, reply.elapsedTime / 1000);
    const caller = (request as AuthenticatedRequest).caller;
    const fields = {
      method: request.method,
      route,
      status,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      keyId: caller?.keyId ?? null,
      keyName: caller?.name ?? null,
      requestId: request.id,
    };
    if (OPS_ROUTES.has(route)) logger.debug('http request', fields);
    else if (status >= 500) logger.warn('http request', fields);
    else logger.info('http request', fields);
  });
}
