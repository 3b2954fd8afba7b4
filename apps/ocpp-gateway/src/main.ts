import { readFileSync } from 'node:fs';
import { envInt, envOptional, envString } from '@evcsms/config';
import { gatewayOptionsFromEnv, InMemoryCredentialStore } from '@evcsms/gateway';
import { createLogger, logLevelFromEnv } from '@evcsms/logging';
import { createMetricsRegistry, startOpsHttpServer } from '@evcsms/metrics';
import { DEFAULT_LEASE_MS, GatewayNode } from '@evcsms/routing';
import { announceReady, databaseCredentialStore, databaseFromEnv, runMain, spineFromEnv, stopOnSignals } from '@evcsms/runtime';
import { NodeWsEngine, selectEngine } from '@evcsms/ws-engine';

const GATEWAY_KAFKA_LINGER_MS = 50;

/**
 * One gateway pod: `ws://:OCPP_PORT/ocpp/{id}` for stations, `:HTTP_PORT` for /healthz, /readyz,
 * /metrics. KAFKA_BROKERS and REDIS_URL connect it to the rest of the platform.
 */
async function main(): Promise<void> {
  const env = process.env;
  const gatewayOptions = gatewayOptionsFromEnv(env, (path) => readFileSync(path, 'utf8'));
  const logger = createLogger({ level: logLevelFromEnv(env['LOG_LEVEL']), fields: { service: 'ocpp-gateway', podId: gatewayOptions.podId } });
  const metrics = createMetricsRegistry({ defaultLabels: { service: 'ocpp-gateway', pod: gatewayOptions.podId } });
  const selection = selectEngine(env['WS_ENGINE']);
  // The gateway is the platform's big producer: station messages wait up to 50 ms to share a
  // produce request (unless KAFKA_LINGER_MS says otherwise). Bigger batches are what lets the
  // consumers keep up in a storm (boot storm of 20,000: 40 s with 50 ms, 69 s with 20 ms,
  // metastable retries with 2 ms; docs/benchmarks.md); 50 ms is nothing to a charger.
  const spine = await spineFromEnv({ KAFKA_LINGER_MS: String(GATEWAY_KAFKA_LINGER_MS), ...env }, logger, metrics);
  // Credentials come from PostgreSQL (read-only, cached by the gateway). Without DATABASE_URL
  // only profile-0 stations (OCPP_ALLOW_PROFILE_0 with OCPP_UNKNOWN_STATIONS=accept) get in.
  const database = envOptional(env, 'DATABASE_URL') ? await databaseFromEnv(env, logger, 'evcsms-gateway', metrics) : undefined;
  if (!database) logger.warn('DATABASE_URL is not set: no station credentials are known to this gateway');
  const credentials = database ? databaseCredentialStore(database.dataSource) : new InMemoryCredentialStore();
  logger.info('starting', { engine: selection.engine.name, engineReason: selection.reason, bus: spine.mode.bus, registry: spine.mode.registry });

  const node = new GatewayNode(
    {
      gateway: gatewayOptions,
      leaseMs: envInt(env, 'REGISTRY_LEASE_MS', DEFAULT_LEASE_MS, { min: 100 }),
      replyTimeoutMs: envInt(env, 'OCPP_REPLY_TIMEOUT_MS', 10_000, { min: 100 }),
      acknowledgeWhen: spine.mode.bus === 'kafka' ? 'published' : 'processed',
    },
    {
      engine: selection.engine,
      tlsEngine: new NodeWsEngine(),
      credentials,
      bus: spine.bus,
      registry: spine.registry,
      registryHealth: spine.registryHealth,
      channel: spine.channel,
      pendingCommands: spine.pendingCommands,
      metrics,
      logger,
    },
  );
  const ports = await node.start();
  const ops = await startOpsHttpServer({
    host: envString(env, 'HTTP_HOST', '0.0.0.0'),
    port: envInt(env, 'HTTP_PORT', 8080, { min: 0, max: 65535 }),
    metrics,
    readiness: () => node.gateway.readiness(),
  });
  stopOnSignals(logger, [
    { name: 'ocpp gateway', stop: () => node.drain() },
    { name: 'bus and registry', stop: () => spine.close() },
    { name: 'database', stop: () => database?.close() },
    { name: 'ops http', stop: () => ops.close() },
  ]);
  // Only now: a supervisor may send SIGTERM the moment it reads the ready line.
  announceReady({ ocppPort: ports.port, tlsPort: ports.tlsPort, httpPort: ops.port, podId: gatewayOptions.podId });
}

runMain('ocpp-gateway', main);
