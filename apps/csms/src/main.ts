import { startApiServer } from '@evcsms/api';
import { markAllStationsOffline } from '@evcsms/data-access';
import { envInt } from '@evcsms/config';
import { createLogger } from '@evcsms/logging';
import { createMetricsRegistry } from '@evcsms/metrics';
import { GatewayNode } from '@evcsms/routing';
import {
  announceReady,
  billingConfigFromEnv,
  BillingNode,
  databaseCredentialStore,
  databaseFromEnv,
  DEFAULT_STATION_EVENTS_RETENTION_DAYS,
  runMain,
  SessionsNode,
  spineFromEnv,
  stopOnSignals,
} from '@evcsms/runtime';
import { NodeWsEngine, selectEngine } from '@evcsms/ws-engine';
import { loadOrCreateAdminKey } from './admin-key.store';
import { csmsConfigFromEnv } from './csms.config';
import { warnAboutLockedOutStations } from './locked-out-stations.check';

/**
 * `npm start`: the whole platform in one process on embedded defaults: the OCPP gateway, the
 * sessions and billing services and the API over the in-process bus and registry, PGlite under ./data.
 * The same code runs as separate processes on Kafka, Redis and PostgreSQL.
 */
async function main(): Promise<void> {
  const config = csmsConfigFromEnv(process.env);
  const billingConfig = billingConfigFromEnv(process.env);
  const logger = createLogger({ level: config.logLevel, fields: { service: 'csms' } });
  const metrics = createMetricsRegistry({ defaultLabels: { service: 'csms' } });
  const selection = selectEngine(config.wsEngine);
  const spine = await spineFromEnv(process.env, logger, metrics);
  const database = await databaseFromEnv({ ...process.env, DATA_DIR: config.dataDir }, logger, 'evcsms', metrics);
  logger.info('starting', { engine: selection.engine.name, engineReason: selection.reason, bus: spine.mode.bus, registry: spine.mode.registry, database: database.mode });

  // This process holds every connection itself: whatever the last run left online is stale.
  const stale = await markAllStationsOffline(database.dataSource, 'csms-restart');
  if (stale > 0) logger.info('stations left online by the previous run marked offline', { count: stale });
  await warnAboutLockedOutStations(database.dataSource, config.gateway.allowSecurityProfile0, logger);
  const storedKey = config.adminApiKey === undefined ? loadOrCreateAdminKey(config.dataDir) : undefined;

  const sessions = new SessionsNode(database.dataSource, spine.bus, spine.channel, logger, {
    heartbeatIntervalSec: config.heartbeatIntervalSec,
    unknownStationBootPolicy: config.gateway.unknownStations === 'accept' ? 'Accepted' : 'Rejected',
    stationEventsRetentionDays: envInt(process.env, 'STATION_EVENTS_RETENTION_DAYS', DEFAULT_STATION_EVENTS_RETENTION_DAYS, { min: 1 }),
    metrics,
  });
  await sessions.start();
  const gateway = new GatewayNode(
    {
      gateway: config.gateway,
      leaseMs: config.registryLeaseMs,
      replyTimeoutMs: config.replyTimeoutMs,
      acknowledgeWhen: spine.mode.bus === 'kafka' ? 'published' : 'processed',
    },
    {
      engine: selection.engine,
      tlsEngine: new NodeWsEngine(),
      credentials: databaseCredentialStore(database.dataSource),
      bus: spine.bus,
      registry: spine.registry,
      registryHealth: spine.registryHealth,
      channel: spine.channel,
      pendingCommands: spine.pendingCommands,
      metrics,
      logger,
    },
  );
  // Billing consumes the session events the sessions node publishes; it tells 2.0.1 stations
  // their running cost through this gateway's router.
  const billing = new BillingNode(database.dataSource, spine.bus, logger, {
    timeZone: billingConfig.timeZone,
    costUpdateIntervalMs: billingConfig.costUpdateIntervalMs,
    metrics,
    ...(billingConfig.costUpdates ? { stationCommands: gateway.router } : {}),
  });
  await billing.start();
  const ocpp = await gateway.start();
  const api = await startApiServer(
    {
      dataSource: database.dataSource,
      router: gateway.router,
      registry: spine.registry,
      pendingCommands: spine.pendingCommands,
      adminApiKey: config.adminApiKey ?? storedKey?.key,
      allowSecurityProfile0: config.gateway.allowSecurityProfile0,
      callTimeoutMs: config.gateway.callTimeoutMs,
      metrics,
      readiness: () => {
        const report = gateway.gateway.readiness();
        const databaseReady = database.dataSource.isInitialized;
        return { ready: report.ready && databaseReady, checks: { ...report.checks, database: databaseReady } };
      },
      logger,
    },
    { host: config.httpHost, port: config.httpPort },
  );

  const banner = [
    '',
    'EV CSMS is running on embedded defaults',
    `  OCPP endpoint   ws://localhost:${ocpp.port}/ocpp/{stationId}   (subprotocols ${config.gateway.protocols.join(', ')})`,
    ...(ocpp.tlsPort ? [`  OCPP TLS        wss://localhost:${ocpp.tlsPort}/ocpp/{stationId}`] : []),
    `  API             http://localhost:${api.port}/api/v1   (OpenAPI: /docs, /docs-json)`,
    `  Health          http://localhost:${api.port}/healthz  /readyz  /metrics`,
    // The key is printed once, by the run that generated it; never logged.
    !storedKey
      ? '  Admin API key   the value of ADMIN_API_KEY'
      : storedKey.created
        ? `  Admin API key   ${storedKey.key}   (generated now, kept in ${storedKey.path}; not printed again)`
        : `  Admin API key   kept in ${storedKey.path}   (set ADMIN_API_KEY to use another)`,
    `  Data            ${config.dataDir} (${database.mode})`,
    `  Unknown stations ${unknownStationsLine(config.gateway)}`,
    '',
  ];
  process.stdout.write(`${banner.join('\n')}\n`);
  // Dependency order: stop taking stations and requests, let the services finish (the sessions
  // outbox flushed to billing), then the bus and registry, the database last.
  stopOnSignals(logger, [
    { name: 'ocpp gateway', stop: () => gateway.drain() },
    { name: 'api', stop: () => api.close() },
    { name: 'sessions', stop: () => sessions.stop() },
    { name: 'billing', stop: () => billing.stop() },
    { name: 'bus and registry', stop: () => spine.close() },
    { name: 'database', stop: () => database.close() },
  ]);
  // Only now: a supervisor may send SIGTERM the moment it reads the ready line.
  announceReady({ ocppPort: ocpp.port, httpPort: api.port });
}

/** What the gateway really does with a station it does not know, and which setting decides it. */
function unknownStationsLine(gateway: { readonly unknownStations: 'accept' | 'reject'; readonly allowSecurityProfile0: boolean }): string {
  if (gateway.unknownStations === 'reject') return 'rejected (OCPP_UNKNOWN_STATIONS=reject)';
  if (!gateway.allowSecurityProfile0) return 'rejected (OCPP_UNKNOWN_STATIONS=accept needs OCPP_ALLOW_PROFILE_0=true)';
  return 'accepted without a password at security profile 0 (OCPP_UNKNOWN_STATIONS=accept; reject them in production)';
}

runMain('csms', main);
