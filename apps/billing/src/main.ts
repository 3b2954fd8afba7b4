import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { envInt, envString } from '@evcsms/config';
import { createLogger, logLevelFromEnv } from '@evcsms/logging';
import { createMetricsRegistry, startOpsHttpServer } from '@evcsms/metrics';
import { CommandRouter, PodInbox } from '@evcsms/routing';
import { announceReady, billingConfigFromEnv, BillingNode, databaseFromEnv, runMain, spineFromEnv, stopOnSignals } from '@evcsms/runtime';
import { NestFactory } from '@nestjs/core';
import { BillingAppModule } from './billing-app.module';

/**
 * The billing service: consumes the session events, keeps live cost, issues CDRs, and tells 2.0.1
 * stations their running cost (CostUpdated) through the registry and its own pod channel.
 */
async function main(): Promise<void> {
  const env = process.env;
  const podId = envString(env, 'POD_NAME', `billing-${hostname()}-${randomBytes(3).toString('hex')}`);
  const logger = createLogger({ level: logLevelFromEnv(env['LOG_LEVEL']), fields: { service: 'billing', podId } });
  const config = billingConfigFromEnv(env);
  const metrics = createMetricsRegistry({ defaultLabels: { service: 'billing', pod: podId } });
  const spine = await spineFromEnv(env, logger, metrics);
  const database = await databaseFromEnv(env, logger, 'evcsms-billing', metrics);
  const inbox = new PodInbox(podId, spine.channel, logger);
  const router = new CommandRouter(spine.registry, spine.pendingCommands, inbox);
  await inbox.start();
  const node = new BillingNode(database.dataSource, spine.bus, logger, {
    timeZone: config.timeZone,
    costUpdateIntervalMs: config.costUpdateIntervalMs,
    metrics,
    ...(config.costUpdates ? { stationCommands: router } : {}),
  });
  const app = await NestFactory.createApplicationContext(BillingAppModule.forRoot(node), { logger: false, abortOnError: false });
  await app.init();
  const ops = await startOpsHttpServer({
    host: envString(env, 'HTTP_HOST', '0.0.0.0'),
    port: envInt(env, 'HTTP_PORT', 8080, { min: 0, max: 65535 }),
    metrics,
    readiness: () => {
      const checks = { bus: spine.bus.health().healthy, registry: spine.registryHealth().healthy, database: database.dataSource.isInitialized };
      return { ready: Object.values(checks).every(Boolean), checks };
    },
  });
  stopOnSignals(logger, [
    { name: 'billing', stop: () => app.close() },
    { name: 'command router', stop: () => router.close() },
    { name: 'pod inbox', stop: () => inbox.stop() },
    { name: 'bus and registry', stop: () => spine.close() },
    { name: 'database', stop: () => database.close() },
    { name: 'ops http', stop: () => ops.close() },
  ]);
  // Only now: a supervisor may send SIGTERM the moment it reads the ready line.
  announceReady({ httpPort: ops.port, podId });
}

runMain('billing', main);
