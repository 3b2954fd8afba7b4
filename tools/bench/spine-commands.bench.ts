/**
 * Command round trip on the scale-out spine: requester -> registry -> gateway pod -> station ->
 * result, at a steady open-loop rate (default 1,000 commands/s).
 *
 *   node -r @swc-node/register tools/bench/spine-commands.bench.ts
 *   node -r @swc-node/register tools/bench/spine-commands.bench.ts --rounds 2 --window-ms 20000
 *
 * Set-up (everything on 127.0.0.1): librdkafka's mock cluster (startKafkaMockCluster), a Redis key
 * prefix of its own (createRedisNamespace), a fresh PostgreSQL database for the API
 * (createTestDatabase); the real gateway process (apps/ocpp-gateway, distributed mode: Kafka +
 * Redis registry and pod channels) and the real API process (apps/api, same spine, ADMIN_API_KEY),
 * both from source and pinned to core 0 with the mock cluster; simulated stations
 * (spine-stations.ts: N ws connections that answer every CSMS CALL with {"status":"Accepted"}) and
 * the requester (spine-requester.ts) pinned to core 1.
 *
 * Paths, each its own requester process, alternated for --rounds:
 * - `http`: POST /api/v1/stations/{id}/commands/clear-cache to the API (the real path: the API looks
 *   up the station's protocol in the registry, then its CommandRouter looks it up again, publishes
 *   the command to the gateway's pod channel and waits for the result on its own);
 * - `router`: the same CommandRouter in the requester process, without HTTP and Nest.
 *
 * Per path: a --window-ms window delimited by marks and /proc/PID/stat readings of every process
 * (utime+stime). Latency counts from each command's scheduled time. Commands go to the stations
 * round robin, so each station gets rate/stations commands per second (2/s by default): far below
 * one per round trip, so the gateway's per-station serialisation never queues them.
 *
 * Warm-up per path: 3 s at a fifth of the rate, --warmup-ms at the rate, then until the commands in
 * flight are back to what the rate keeps in flight (at most 20 s more).
 *
 * Flags: --stations 500 --rate 1000 --warmup-ms 5000 --window-ms 20000 --rounds 1
 *   --paths http,router --json <file> --cpu-prof <dir> (V8 profiles of the gateway and the API)
 *   --max-runtime-ms 900000
 */
import { writeFileSync } from 'node:fs';
import { TOPICS } from '@evcsms/contracts';
import { createRedisNamespace, createTestDatabase, startKafkaMockCluster, type KafkaMockCluster, type RedisNamespace, type TestDatabase } from '@evcsms/testing';
import {
  fmt,
  fmtInt,
  flagInt,
  flagString,
  LatencyHistogram,
  loadAverage,
  machine,
  markdownTable,
  parseFlags,
  sleep,
  spawnBench,
  type BenchChild,
} from './bench-lib';
import { coreBusyMs, CpuMeter, cpuUsPer, ms, pidOfCommand, pinProcess, startApp, type AppProcess } from './spine-lib';

const ADMIN_KEY = 'spine-bench-admin-key-0123456789abcdef';
const GATEWAY_POD = 'spine-gw-1';
const STATION_PREFIX = 'spine-cmd';
const SUT_CPU = '0';
const LOAD_CPU = '1';

const flags = parseFlags(process.argv.slice(2));
const stationCount = flagInt(flags, 'stations', 500);
const rate = flagInt(flags, 'rate', 1000);
const warmupMs = flagInt(flags, 'warmup-ms', 5000);
const windowMs = flagInt(flags, 'window-ms', 20_000);
const rounds = flagInt(flags, 'rounds', 1);
const paths = flagString(flags, 'paths', 'http,router').split(',').map((p) => p.trim()).filter(Boolean);
for (const path of paths) if (path !== 'http' && path !== 'router') throw new Error(`unknown path "${path}" (http, router)`);
const jsonFile = flags.get('json');
/** --cpu-prof <dir>: V8 CPU profiles of the gateway and the API (read with cpu-profile-summary.ts). */
const cpuProfDir = flags.get('cpu-prof');
const profileArgs = (name: string): { nodeArgs?: readonly string[] } =>
  cpuProfDir ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', cpuProfDir, '--cpu-prof-name', `${name}.cpuprofile`] } : {};

interface PathResult {
  path: string;
  round: number;
  windowS: number;
  ok: number;
  achieved: number;
  p50us: number;
  p99us: number;
  maxUs: number;
  errorsInWindow: number;
  errorsTotal: number;
  outcomes: Record<string, number>;
  stationCalls: number;
  cpuUsPerCommand: Record<string, string>;
  coreUse: Record<string, string>;
  loadavgBefore: string;
  loadavgAfter: string;
  /** Busy share of each core over the window (all processes on the machine). */
  coresBusy: string;
}

const cleanups: Array<() => Promise<unknown>> = [];

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    process.stderr.write('spine-commands: --max-runtime-ms reached, giving up\n');
    process.exit(3);
  }, flagInt(flags, 'max-runtime-ms', 900_000));
  deadline.unref();
  const info = machine();
  process.stderr.write(`spine-commands: ${JSON.stringify(info)}\n`);

  const started = await Promise.allSettled([
    startKafkaMockCluster({ partitions: 4, topics: [TOPICS.stationCalls, TOPICS.stationPresence] }),
    createRedisNamespace(),
    createTestDatabase(),
  ] as const);
  const [kafkaStarted, redisStarted, databaseStarted] = started;
  if (kafkaStarted.status === 'fulfilled') cleanups.push(() => kafkaStarted.value.stop());
  if (redisStarted.status === 'fulfilled') cleanups.push(() => redisStarted.value.cleanup());
  if (databaseStarted.status === 'fulfilled') cleanups.push(() => databaseStarted.value.drop());
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  const kafka = (kafkaStarted as PromiseFulfilledResult<KafkaMockCluster>).value;
  const redis = (redisStarted as PromiseFulfilledResult<RedisNamespace>).value;
  const database = (databaseStarted as PromiseFulfilledResult<TestDatabase>).value;
  pinProcess(kafka.pid, SUT_CPU);
  const redisUrl = new URL(redis.url);
  if (!/^127\./.test(redisUrl.hostname)) throw new Error(`Redis must be on 127.0.0.0/8, got ${redis.url}`);

  const shared = {
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_LOG_LEVEL: 'nothing',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
  };
  const gateway = await startApp(
    'gateway',
    'apps/ocpp-gateway/src/main.ts',
    { ...shared, POD_NAME: GATEWAY_POD, OCPP_HOST: '127.0.0.1', OCPP_PORT: '0', OCPP_UNKNOWN_STATIONS: 'accept', OCPP_ALLOW_PROFILE_0: 'true' },
    SUT_CPU,
    profileArgs('gateway'),
  );
  const api = await startApp('api', 'apps/api/src/main.ts', { ...shared, DATABASE_URL: database.url, POD_NAME: 'spine-api-1', ADMIN_API_KEY: ADMIN_KEY }, SUT_CPU, profileArgs('api'));
  const apiPort = api.ready['httpPort'] as number;

  const stations = spawnBench(
    'stations',
    'spine-stations.ts',
    ['--control', 'stdin', '--port', String(gateway.ready['ocppPort']), '--stations', String(stationCount), '--id-prefix', STATION_PREFIX],
    { cpu: LOAD_CPU },
  );
  const connected = await stations.waitFor((e) => e.event === 'connected', 120_000, 'stations connected');
  if (connected['open'] !== stationCount) throw new Error(`only ${String(connected['open'])} of ${stationCount} stations connected`);
  await waitForRegistrations(apiPort, stationCount);
  process.stderr.write(`spine-commands: ${stationCount} stations connected and registered; load average ${loadAverage()}\n`);

  const redisPid = pidOfCommand('redis-server');
  const results: PathResult[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const path of paths) {
      const result = await measurePath(path, round, { gateway, api, stations, kafkaPid: kafka.pid, redisPid, redis });
      results.push(result);
      process.stderr.write(`spine-commands: ${JSON.stringify(result)}\n`);
    }
  }

  await stations.request('stop', 'stopped', 15_000).catch(() => undefined);
  await Promise.all([stations.stop(), api.child.stop(), gateway.child.stop()]);
  const logs = { gateway: logSummary(gateway.child), api: logSummary(api.child) };
  print(info, results, logs);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ machine: info, stationCount, rate, warmupMs, windowMs, results, logs }, null, 2));
}

async function waitForRegistrations(apiPort: number, expected: number): Promise<void> {
  const until = Date.now() + 60_000;
  let count = 0;
  while (Date.now() < until) {
    count = 0;
    let cursor: string | null | undefined;
    do {
      const url = `http://127.0.0.1:${apiPort}/api/v1/connections?podId=${GATEWAY_POD}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      if (response.status !== 200) throw new Error(`GET /api/v1/connections answered ${response.status}: ${await response.text()}`);
      const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
      count += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    if (count >= expected) return;
    await sleep(500);
  }
  throw new Error(`only ${count} of ${expected} stations registered within 60 s`);
}

async function measurePath(
  path: string,
  round: number,
  ctx: { gateway: AppProcess; api: AppProcess; stations: BenchChild; kafkaPid: number; redisPid: number | undefined; redis: RedisNamespace },
): Promise<PathResult> {
  const requester = spawnBench(
    `requester-${path}`,
    'spine-requester.ts',
    [
      '--control',
      'stdin',
      '--mode',
      path,
      '--api-port',
      String(ctx.api.ready['httpPort']),
      '--admin-key',
      ADMIN_KEY,
      '--redis-url',
      ctx.redis.url,
      '--redis-prefix',
      ctx.redis.prefix,
      '--station-prefix',
      STATION_PREFIX,
      '--stations',
      String(stationCount),
    ],
    { cpu: LOAD_CPU },
  );
  await requester.waitFor((e) => e.event === 'ready-requester', 60_000, 'requester ready');
  const pids = new Map<string, number>([
    ['gateway', ctx.gateway.pid],
    [path === 'http' ? 'api' : 'api (idle)', ctx.api.pid],
    [path === 'http' ? 'http client' : 'router (requester)', requester.pid],
    ['stations', ctx.stations.pid],
    ['kafka mock', ctx.kafkaPid],
  ]);
  if (ctx.redisPid !== undefined) pids.set('redis-server (shared)', ctx.redisPid);
  const meter = new CpuMeter(pids);

  // Warm-up: a gentle start (the API compiles its routes and the JIT warms on first use), then
  // the target rate until the requests in flight are down to what the rate keeps in flight.
  requester.send(`rate ${Math.max(1, Math.round(rate / 5))}`);
  await sleep(3000);
  requester.send(`rate ${rate}`);
  await sleep(warmupMs);
  const settleUntil = Date.now() + 20_000;
  while (Date.now() < settleUntil && ((await requester.request('status', 'status'))['inFlight'] as number) > Math.max(50, rate / 10)) await sleep(250);
  const loadavgBefore = loadAverage();
  const [requesterFirst, stationsFirst] = await Promise.all([requester.request('mark', 'mark'), ctx.stations.request('mark', 'mark')]);
  const from = meter.snapshot();
  const busyFrom = coreBusyMs();
  await sleep(windowMs);
  const [requesterLast, stationsLast] = await Promise.all([requester.request('mark', 'mark'), ctx.stations.request('mark', 'mark')]);
  const to = meter.snapshot();
  const busyTo = coreBusyMs();
  const loadavgAfter = loadAverage();
  requester.send('rate 0');
  await requester.request('drain', 'drained', 20_000);
  const final = await requester.request('mark', 'mark');
  requester.send('stop');
  await requester.waitExit(10_000);
  await requester.stop();

  const { wallMs, cpuMs } = CpuMeter.delta(from, to);
  const windowLatency = new LatencyHistogram();
  windowLatency.merge(requesterLast['latency'] as Record<string, number>, requesterLast['latencyMaxUs'] as number);
  const okInWindow = windowLatency.count;
  const errorsInWindow = (requesterLast['errors'] as number) - (requesterFirst['errors'] as number);
  const cpuUsPerCommand: Record<string, string> = {};
  const coreUse: Record<string, string> = {};
  for (const [name, value] of cpuMs) {
    cpuUsPerCommand[name] = cpuUsPer(value, okInWindow);
    coreUse[name] = `${fmt((value / wallMs) * 100, 0)}%`;
  }
  return {
    path,
    round,
    windowS: wallMs / 1000,
    ok: okInWindow,
    achieved: okInWindow / (wallMs / 1000),
    p50us: windowLatency.percentile(0.5),
    p99us: windowLatency.percentile(0.99),
    maxUs: windowLatency.max,
    errorsInWindow,
    errorsTotal: (final['errors'] as number) + ((final['inFlight'] as number) ?? 0),
    outcomes: final['outcomes'] as Record<string, number>,
    stationCalls: (stationsLast['csmsCalls'] as number) - (stationsFirst['csmsCalls'] as number),
    cpuUsPerCommand,
    coreUse,
    loadavgBefore,
    loadavgAfter,
    coresBusy: [...busyTo.keys()].map((core) => `${fmt((((busyTo.get(core) ?? NaN) - (busyFrom.get(core) ?? NaN)) / wallMs) * 100, 0)}%`).join(' / '),
  };
}

/** Warnings and errors the process logged (JSON lines on stdout), by message. */
function logSummary(child: BenchChild): Record<string, number> {
  const summary: Record<string, number> = {};
  for (const event of child.events) {
    const { level, msg } = event as Record<string, unknown>;
    if (level === 'warn' || level === 'error') summary[`${String(level)}: ${String(msg)}`] = (summary[`${String(level)}: ${String(msg)}`] ?? 0) + 1;
  }
  return summary;
}

function print(info: Record<string, string>, results: PathResult[], logs: Record<string, Record<string, number>>): void {
  const label = (path: string): string => (path === 'http' ? 'HTTP end to end (API process)' : 'CommandRouter only (no HTTP)');
  const lines: string[] = [];
  lines.push(`### Command round trip: ${fmtInt(rate)} ClearCache/s over ${fmtInt(stationCount)} stations`);
  lines.push('');
  lines.push(`${info['date']}, ${info['node']}, nproc ${info['nproc']}, ${info['cpu']}, commit ${info['commit']}`);
  lines.push('');
  lines.push(
    markdownTable(
      ['path', 'round', 'target/s', 'achieved/s', 'p50 ms', 'p99 ms', 'max ms', 'errors (window / whole run)', 'core 0 / 1 busy', 'load average (before -> after)'],
      results.map((r) => [
        label(r.path),
        String(r.round),
        fmtInt(rate),
        fmtInt(r.achieved),
        ms(r.p50us, 2),
        ms(r.p99us, 2),
        ms(r.maxUs, 1),
        `${r.errorsInWindow} / ${r.errorsTotal}${Object.keys(r.outcomes).length ? ` ${JSON.stringify(r.outcomes)}` : ''}`,
        r.coresBusy,
        `${r.loadavgBefore} -> ${r.loadavgAfter}`,
      ]),
    ),
  );
  lines.push('');
  const names = [...new Set(results.flatMap((r) => Object.keys(r.cpuUsPerCommand)))];
  lines.push('CPU per command (us, utime+stime over the window / commands answered in it) and share of one core:');
  lines.push('');
  lines.push(
    markdownTable(
      ['path', 'round', ...names],
      results.map((r) => [label(r.path), String(r.round), ...names.map((name) => (r.cpuUsPerCommand[name] ? `${r.cpuUsPerCommand[name]} (${r.coreUse[name]})` : '-'))]),
    ),
  );
  lines.push('');
  for (const [name, summary] of Object.entries(logs)) {
    lines.push(`Warnings/errors logged by the ${name} process: ${Object.keys(summary).length ? JSON.stringify(summary) : 'none'}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function cleanup(): Promise<void> {
  for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
}

main()
  .then(cleanup)
  .then(
    () => process.exit(0),
    async (error: unknown) => {
      process.stderr.write(`spine-commands failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      await cleanup();
      process.exit(1);
    },
  );
