import { createServer, type Server } from 'node:http';
import type { MetricsRegistry } from './metrics-registry';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, boolean | string>>;
}

export interface OpsHttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly metrics: MetricsRegistry;
  readonly readiness: () => ReadinessReport | Promise<ReadinessReport>;
}

export interface OpsHttpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** /healthz (the process answers), /readyz (dependencies reachable, not draining), /metrics. */
export function startOpsHttpServer(options: OpsHttpServerOptions): Promise<OpsHttpServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const answer = async (): Promise<void> => {
      if (path === '/healthz') {
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
      } else if (path === '/readyz') {
        const report = await options.readiness();
        response
          .writeHead(report.ready ? 200 : 503, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ status: report.ready ? 'ready' : 'not-ready', checks: report.checks }));
      } else if (path === '/metrics') {
        const body = await options.metrics.render();
        response.writeHead(200, { 'Content-Type': options.metrics.contentType }).end(body);
      } else {
        response.writeHead(404, { 'Content-Type': 'application/problem+json' }).end(JSON.stringify({ title: 'Not Found', status: 404 }));
      }
    };
    answer().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(error instanceof Error ? error.message : 'error');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : options.port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
