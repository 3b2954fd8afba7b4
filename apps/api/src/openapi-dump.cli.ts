import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { startApiServer, type ApiDependencies } from '@evcsms/api';
import { silentLogger } from '@evcsms/logging';
import { createMetricsRegistry } from '@evcsms/metrics';

/**
 * Writes the API's OpenAPI document to a file (`npm run lint:openapi` lints it): the real API
 * server, started on a loopback port, serves /docs-json; building the document touches no
 * backend, so the database, registry and router stand-ins throw if anything calls them.
 *
 *   node -r @swc-node/register apps/api/src/openapi-dump.cli.ts tmp/openapi.json
 */
/** What Nest and promises look for on any provider value; absent here, as on a plain object. */
const PROBED = new Set(['then', 'onModuleInit', 'onApplicationBootstrap', 'onModuleDestroy', 'beforeApplicationShutdown', 'onApplicationShutdown']);

function unavailable<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: (_target, property) =>
      typeof property === 'symbol' || PROBED.has(property)
        ? undefined
        : () => {
            throw new Error(`the OpenAPI dump has no ${what} (called ${property})`);
          },
  });
}

async function main(): Promise<void> {
  const output = resolve(process.argv[2] ?? 'tmp/openapi.json');
  const deps: ApiDependencies = {
    dataSource: unavailable('database'),
    router: unavailable('command router'),
    registry: unavailable('connection registry'),
    pendingCommands: unavailable('pending command store'),
    adminApiKey: undefined,
    metrics: createMetricsRegistry({ processMetrics: false }),
    readiness: () => ({ ready: false, checks: {} }),
    logger: silentLogger,
  };
  const server = await startApiServer(deps, { host: '127.0.0.1', port: 0 });
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/docs-json`);
    if (!response.ok) throw new Error(`/docs-json answered ${response.status}`);
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, `${JSON.stringify(await response.json(), null, 2)}\n`);
    process.stdout.write(`OpenAPI document written to ${output}\n`);
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
