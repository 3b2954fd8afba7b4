/**
 * The OCPP gateway as a standalone benchmark server: the real OcppGateway with an in-process
 * handler (MeterValues and every other station CALL answered with {}, BootNotification Accepted;
 * Heartbeat is answered by the gateway itself at the edge).
 *
 *   node -r @swc-node/register tools/bench/gateway-server.ts --engine uws --port 0
 *
 * Flags (or BENCH_<NAME> env): --engine uws|ws, --host 127.0.0.1, --port 0, --ping-interval-ms
 * 30000, --idle-timeout-ms 90000, --max-connections 20000, --control stdin.
 * Prints `READY <port> <pid>` when listening. With --control stdin it reads commands:
 * `gc` (needs node --expose-gc) -> {"event":"gc"}, `stats` -> {"event":"stats",...},
 * `heap-snapshot <file>` -> {"event":"heap-snapshot"}, and exits when stdin closes. SIGTERM/SIGINT close the gateway and exit.
 */
import { writeHeapSnapshot } from 'node:v8';
/* eslint-disable @nx/enforce-module-boundaries -- a benchmark drives the real gateway and engines */
import { InMemoryCredentialStore, NO_EVENTS, OcppGateway, DEFAULT_GATEWAY_OPTIONS, type GatewayOptions, type InboundCallOutcome } from '@evcsms/gateway';
import { silentLogger } from '@evcsms/logging';
import { createMetricsRegistry } from '@evcsms/metrics';
import { selectEngine } from '@evcsms/ws-engine';
/* eslint-enable @nx/enforce-module-boundaries */
import { assertLoopback, emit, exitWhenParentGoes, flagInt, flagString, onCommands, parseFlags } from './bench-lib';

const EMPTY_RESULT: InboundCallOutcome = Object.freeze({ result: Object.freeze({}) });

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const engineName = flagString(flags, 'engine', 'uws');
  const host = flagString(flags, 'host', '127.0.0.1');
  assertLoopback(host);
  const selection = selectEngine(engineName);

  const options: GatewayOptions = {
    ...DEFAULT_GATEWAY_OPTIONS,
    host,
    port: flagInt(flags, 'port', 0),
    protocols: ['ocpp2.0.1', 'ocpp1.6'],
    unknownStations: 'accept',
    allowSecurityProfile0: true,
    maxConnections: flagInt(flags, 'max-connections', 20_000),
    maxUpgradesInFlight: 5_000,
    // High enough that the rate limit never answers a benchmark CALL.
    messagesPerSecond: 1_000_000,
    messageBurst: 1_000_000,
    pingIntervalMs: flagInt(flags, 'ping-interval-ms', 30_000),
    idleTimeoutMs: flagInt(flags, 'idle-timeout-ms', 90_000),
  };

  const gateway = new OcppGateway(options, {
    engine: selection.engine,
    handler: {
      handle: (call) =>
        Promise.resolve(
          call.action === 'BootNotification' ? { result: { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 } } : EMPTY_RESULT,
        ),
    },
    events: NO_EVENTS,
    credentials: new InMemoryCredentialStore(),
    // processMetrics off: no event-loop monitor; the gateway's own counters and histograms stay on.
    metrics: createMetricsRegistry({ processMetrics: false }),
    logger: silentLogger,
  });
  const { port } = await gateway.start();
  process.stderr.write(`gateway-server: engine ${selection.engine.name} (${selection.reason}) on ${host}:${port}\n`);

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(0), 4_000);
    force.unref();
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  if (flagString(flags, 'control', '') === 'stdin') {
    exitWhenParentGoes(shutdown);
    onCommands((command) => {
      if (command === 'gc') {
        const gc = (globalThis as { gc?: () => void }).gc;
        if (gc) {
          gc();
          gc();
        }
        emit({ event: 'gc', available: gc !== undefined });
      } else if (command === 'stats') {
        const memory = process.memoryUsage();
        emit({ event: 'stats', connections: gateway.connectionCount, ...memory });
      } else if (command.startsWith('heap-snapshot ')) {
        const file = writeHeapSnapshot(command.slice('heap-snapshot '.length).trim());
        emit({ event: 'heap-snapshot', file });
      } else if (command === 'quit') shutdown();
    });
  }
  process.stdout.write(`READY ${port} ${process.pid}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway-server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
