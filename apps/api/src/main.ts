import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { startApiServer } from '@evcsms/api';
import { envBool, envInt, envOptional, envString } from '@evcsms/config';
import { createLogger, logLevelFromEnv } from '@evcsms/logging';
import { createMetricsRegistry } from '@evcsms/metrics';
import { CommandRouter, PodInbox } from '@evcsms/routing';
import { announceReady, databaseFromEnv, runMain, spineFromEnv, stopOnSignals } from '@evcsms/runtime';

/**
 * The API process: REST on HTTP_PORT. It reaches stations through the registry and its own pod
 * channel (a requester pod id of its own), and reads and writes the database.
 */
async function main(): Promise<void> {
  const env = process.env;
  const podId = envString(env, 'POD_NAME', `api-${hostname()}-${randomBytes(3).toString('hex')}`);
  const logger = createLogger({ level: logLevelFromEnv(env['LOG_LEVEL']), fields: { service: 'api', podId } });
  const metrics = createMetricsRegistry({ defaultLabels: { service: 'api', pod: podId } });
  const spine = await spineFromEnv(env, logger, metrics);
  const database = await databaseFromEnv(env, logger, 'evcsms-api', metrics);
  const inbox = new PodInbox(podId, spine.channel, logger);
  const router = new CommandRouter(spine.registry, spine.pendingCommands, inbox);
  await inbox.start();

  const adminApiKey = envOptional(env, 'ADMIN_API_KEY');
  if (!adminApiKey) logger.warn('ADMIN_API_KEY is not set: only keys created earlier can use the API');
  const server = await startApiServer(
    {
      dataSource: database.dataSource,
      router,
      registry: spine.registry,
      pendingCommands: spine.pendingCommands,
      adminApiKey,
      // The gateways' setting (same variable): whether stations may be provisioned with profile 0.
      allowSecurityProfile0: envBool(env, 'OCPP_ALLOW_PROFILE_0', false),
      // The gateways' call timeout (same variable, same default): the bound of timeoutSeconds.
      callTimeoutMs: envInt(env, 'OCPP_CALL_TIMEOUT_MS', 30_000, { min: 1 }),
      metrics,
      readiness: () => {
        const checks = { bus: spine.bus.health().healthy, registry: spine.registryHealth().healthy, database: database.dataSource.isInitialized };
        return { ready: Object.values(checks).every(Boolean), checks };
      },
      logger,
    },
    { host: envString(env, 'HTTP_HOST', '0.0.0.0'), port: envInt(env, 'HTTP_PORT', 8080, { min: 0, max: 65535 }) },
  );
  stopOnSignals(logger, [
    { name: 'api', stop: () => server.close() },
    { name: 'command router', stop: () => router.close() },
    { name: 'pod inbox', stop: () => inbox.stop() },
    { name: 'bus and registry', stop: () => spine.close() },
    { name: 'database', stop: () => database.close() },
  ]);
  // Only now: a supervisor may send SIGTERM the moment it reads the ready line.
  announceReady({ httpPort: server.port, podId });
}

runMain('api', main);
