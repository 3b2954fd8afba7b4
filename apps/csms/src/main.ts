import { NO_EVENTS, InMemoryCredentialStore, OcppGateway } from '@evcsms/gateway';
import { createLogger } from '@evcsms/logging';
import { createMetricsRegistry, startOpsHttpServer } from '@evcsms/metrics';
import { NodeWsEngine, selectEngine } from '@evcsms/ws-engine';
import { csmsConfigFromEnv } from './csms.config';
import { StationCallDispatcher } from './station-call-dispatcher';

/** The all-in-one process on embedded defaults: `npm start`. */
async function main(): Promise<void> {
  const config = csmsConfigFromEnv(process.env);
  const logger = createLogger({ level: config.logLevel, fields: { service: 'csms' } });
  const metrics = createMetricsRegistry({ defaultLabels: { service: 'csms' } });
  const selection = selectEngine(config.wsEngine);
  logger.info('websocket engine selected', { engine: selection.engine.name, reason: selection.reason });

  const dispatcher = new StationCallDispatcher();
  const gateway = new OcppGateway(config.gateway, {
    engine: selection.engine,
    tlsEngine: new NodeWsEngine(),
    handler: dispatcher,
    events: NO_EVENTS,
    credentials: new InMemoryCredentialStore(),
    metrics,
    logger,
  });
  const ocpp = await gateway.start();
  const ops = await startOpsHttpServer({ host: config.httpHost, port: config.httpPort, metrics, readiness: () => gateway.readiness() });

  const banner = [
    '',
    'EV CSMS is running on embedded defaults',
    `  OCPP endpoint   ws://localhost:${ocpp.port}/ocpp/{stationId}   (subprotocols ${config.gateway.protocols.join(', ')})`,
    ...(ocpp.tlsPort ? [`  OCPP TLS        wss://localhost:${ocpp.tlsPort}/ocpp/{stationId}`] : []),
    `  Health          http://localhost:${ops.port}/healthz  /readyz  /metrics`,
    config.adminApiKeyGenerated ? `  Admin API key   ${config.adminApiKey}   (generated; set ADMIN_API_KEY to choose one)` : '  Admin API key   from ADMIN_API_KEY',
    '  Unknown stations are accepted without a password (embedded mode only).',
    '',
  ];
  process.stdout.write(`${banner.join('\n')}\n`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    gateway
      .drain()
      .then(() => ops.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('shutdown failed', { error });
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`csms failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
