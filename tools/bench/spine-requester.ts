/**
 * Open-loop command requester for spine-commands.bench.ts: sends ClearCache to stations
 * `<prefix>-0 .. <prefix>-(N-1)` round robin at a steady rate, either
 *
 * - `--mode http`: through the real API process (POST /api/v1/stations/{id}/commands/clear-cache,
 *   keep-alive connections, admin key), so the path is HTTP -> API -> registry -> gateway -> station;
 * - `--mode router`: with a CommandRouter in this process (Redis registry and pod channel, its own
 *   pod id, exactly what the API process builds), so HTTP and Nest are out of the figure.
 *
 * Latency counts from each command's scheduled time (open loop). Flags: --mode http|router,
 * --api-port, --admin-key, --redis-url, --redis-prefix, --station-prefix, --stations 500,
 * --max-sockets 256, --control stdin. Commands: `rate <R>`, `mark`, `drain` (waits up to 15 s for
 * commands in flight), `stop`.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
/* eslint-disable @nx/enforce-module-boundaries -- the router mode is the API's own routing code */
import { createLogger } from '@evcsms/logging';
import { createRedisRegistry, type RedisRegistry } from '@evcsms/registry-redis';
import { CommandRouter, PodInbox } from '@evcsms/routing';
/* eslint-enable @nx/enforce-module-boundaries */
import { assertLoopback, emit, exitWhenParentGoes, flagInt, flagString, LatencyHistogram, onCommands, parseFlags, sleep } from './bench-lib';
import { OpenLoopPacer } from './spine-lib';

const flags = parseFlags(process.argv.slice(2));
const mode = flagString(flags, 'mode', 'http');
if (mode !== 'http' && mode !== 'router') throw new Error('--mode must be http or router');
const stationPrefix = flagString(flags, 'station-prefix', '');
if (!stationPrefix) throw new Error('--station-prefix is required');
const stationCount = flagInt(flags, 'stations', 500);
const apiHost = '127.0.0.1';
assertLoopback(apiHost);

const counters = { sent: 0, ok: 0, errors: 0 };
const outcomes: Record<string, number> = {};
const latency = new LatencyHistogram();
let inFlight = 0;
let next = 0;
let lastMark = performance.now();

function finish(scheduledAt: number, outcome: string): void {
  inFlight--;
  if (outcome === 'ok') {
    counters.ok++;
    latency.record((performance.now() - scheduledAt) * 1000);
  } else {
    counters.errors++;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
}

type Sender = (stationId: string, scheduledAt: number) => void;

function httpSender(): Sender {
  const port = flagInt(flags, 'api-port', 0);
  if (!port) throw new Error('--api-port is required in http mode');
  const authorization = `Bearer ${flagString(flags, 'admin-key', '')}`;
  const agent = new Agent({ keepAlive: true, maxSockets: flagInt(flags, 'max-sockets', 256) });
  return (stationId, scheduledAt) => {
    const req = request(
      {
        host: apiHost,
        port,
        agent,
        method: 'POST',
        path: `/api/v1/stations/${encodeURIComponent(stationId)}/commands/clear-cache`,
        headers: { authorization, 'content-type': 'application/json', 'content-length': 2 },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let accepted = false;
          try {
            accepted = res.statusCode === 200 && (JSON.parse(body) as { status?: string }).status === 'Accepted';
          } catch {
            // counted below
          }
          finish(scheduledAt, accepted ? 'ok' : `http-${res.statusCode}`);
        });
        res.on('error', () => finish(scheduledAt, 'http-response-error'));
      },
    );
    req.on('error', (error) => finish(scheduledAt, `http-${(error as NodeJS.ErrnoException).code ?? 'error'}`));
    req.end('{}');
  };
}

async function routerSender(): Promise<{ send: Sender; close(): Promise<void> }> {
  const url = flagString(flags, 'redis-url', 'redis://127.0.0.1:6379');
  assertLoopback(new URL(url).hostname);
  const logger = createLogger({ level: 'warn', sink: (line) => process.stderr.write(`${line}\n`) });
  const redis: RedisRegistry = await createRedisRegistry({ url, keyPrefix: flagString(flags, 'redis-prefix', 'csms:'), logger });
  const inbox = new PodInbox(`bench-router-${process.pid}`, redis.channel, logger);
  const router = new CommandRouter(redis.registry, redis.pendingCommands, inbox);
  await inbox.start();
  return {
    send: (stationId, scheduledAt) => {
      router.send(stationId, 'ClearCache', {}, { timeoutMs: 30_000 }).then(
        (result) => {
          if (result.status === 'result' && result.payload['status'] === 'Accepted') finish(scheduledAt, 'ok');
          else finish(scheduledAt, result.status === 'failed' ? `failed-${result.failure}` : result.status);
        },
        () => finish(scheduledAt, 'router-threw'),
      );
    },
    close: async () => {
      router.close();
      await inbox.stop();
      await redis.close();
    },
  };
}

async function main(): Promise<void> {
  const maxRuntime = setTimeout(() => process.exit(2), flagInt(flags, 'max-runtime-ms', 1_800_000));
  maxRuntime.unref();
  let close: () => Promise<void> = () => Promise.resolve();
  let send: Sender;
  if (mode === 'http') send = httpSender();
  else {
    const router = await routerSender();
    send = (stationId, scheduledAt) => router.send(stationId, scheduledAt);
    close = () => router.close();
  }
  const pacer = new OpenLoopPacer((scheduledAt) => {
    const stationId = `${stationPrefix}-${next % stationCount}`;
    next++;
    counters.sent++;
    inFlight++;
    send(stationId, scheduledAt);
    return true;
  });
  exitWhenParentGoes(() => process.exit(0));
  onCommands((command) => {
    const [verb, argument] = command.split(/\s+/);
    if (verb === 'rate') {
      pacer.setRate(Number(argument));
      emit({ event: 'rate', rate: pacer.currentRate });
    } else if (verb === 'mark') {
      const now = performance.now();
      emit({
        event: 'mark',
        sinceLastMarkMs: now - lastMark,
        ...counters,
        inFlight,
        outcomes: { ...outcomes },
        latency: latency.toJSON(),
        latencyCount: latency.count,
        latencyMaxUs: latency.max,
      });
      latency.reset();
      lastMark = now;
    } else if (verb === 'status') {
      emit({ event: 'status', ...counters, inFlight });
    } else if (verb === 'drain') {
      void (async () => {
        const deadline = performance.now() + 15_000;
        while (inFlight > 0 && performance.now() < deadline) await sleep(20);
        emit({ event: 'drained', inFlight });
      })();
    } else if (verb === 'stop') {
      pacer.setRate(0);
      void close().finally(() => {
        emit({ event: 'stopped' });
        process.exit(0);
      });
    }
  });
  emit({ event: 'ready-requester', mode });
}

main().catch((error: unknown) => {
  process.stderr.write(`spine-requester failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
