import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { envEnum, envInt, envString } from '@evcsms/config';
import { createLogger, logLevelFromEnv } from '@evcsms/logging';
import { createMetricsRegistry, startOpsHttpServer } from '@evcsms/metrics';
import { announceReady, databaseFromEnv, DEFAULT_STATION_EVENTS_RETENTION_DAYS, runMain, SessionsNode, spineFromEnv, stopOnSignals } from '@evcsms/runtime';
import { NestFactory } from '@nestjs/core';
import { SessionsAppModule } from './sessions-app.module';

/** The sessions service: consumes station calls and presence, writes PostgreSQL, answers the gateways. */
async function main(): Promise<void> {
  const env = process.env;
  const podId = envString(env, 'POD_NAME', `sessions-${hostname()}-${randomBytes(3).toString('hex')}`);
  const logger = createLogger({ level: logLevelFromEnv(env['LOG_LEVEL']), fields: { service: 'sessions', podId } });
  const metrics = createMetricsRegistry({ defaultLabels: { service: 'sessions', pod: podId } });
  const spine = await spineFromEnv(env, logger, metrics);
  const database = await databaseFromEnv(env, logger, 'evcsms-sessions', metrics);
  const node = new SessionsNode(database.dataSource, spine.bus, spine.channel, logger, {
    heartbeatIntervalSec: envInt(env, 'HEARTBEAT_INTERVAL_SEC', 300, { min: 1 }),
    unknownStationBootPolicy: envEnum(env, 'UNKNOWN_STATION_BOOT_POLICY', ['Accepted', 'Pending', 'Rejected'] as const, 'Rejected'),
    writeConcurrency: envInt(env, 'SESSIONS_WRITE_CONCURRENCY', 2, { min: 1, max: 16 }),
    stationEventsRetentionDays: envInt(env, 'STATION_EVENTS_RETENTION_DAYS', DEFAULT_STATION_EVENTS_RETENTION_DAYS, { min: 1 }),
    metrics,
  });
  const app = await NestFactory.createApplicationContext(SessionsAppModule.forRoot(node), { logger: false, abortOnError: false });
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
    { name: 'sessions', stop: () => app.close() },
    { name: 'bus and registry', stop: () => spine.close() },
    { name: 'database', stop: () => database.close() },
    { name: 'ops http', stop: () => ops.close() },
  ]);
  // Only now: a supervisor may send SIGTERM the moment it reads the ready line.
  announceReady({ httpPort: ops.port, podId });
}

runMain('sessions', main);
