/**
 * Memory per idle connection: the gateway (uws and ws engines) and the raw uWS echo (ceiling).
 *
 *   node -r @swc-node/register tools/bench/gateway-capacity.bench.ts [--servers uws,ws,raw]
 *
 * Per server: start it pinned to --server-cpu (0) with --expose-gc and a short keepalive
 * (--ping-interval-ms 10000, --idle-timeout-ms 30000); warm it up with --warmup-connections (100)
 * stations doing MeterValues and Heartbeat round trips, close them; read VmRSS (baseline, before
 * and after a forced GC); open --connections (19,000) idle ocpp1.6 connections from --load-procs (2)
 * processes pinned to --load-cpu (1), each under 20k fds, over --source-count (20) loopback source
 * addresses per process; hold them --hold-ms (40,000: several ping rounds), sampling VmRSS every
 * 5 s; read VmRSS again (before and after a forced GC).
 *   KiB/conn after GC = (VmRSS loaded - VmRSS baseline) / connections open on the server, both read
 *   after a forced full GC and once VmRSS has settled (see settle());
 *   KiB/conn as is    = VmRSS at the end of the hold (no forced GC) against the same baseline.
 * Also reported: V8 heap used and external+arrayBuffers per connection (from the server's
 * process.memoryUsage() after GC), the server's open fds, and pings the clients received.
 * --heap-snapshot-dir <dir> also writes V8 heap snapshots of the gateway at both points (compare
 * them with heap-snapshot-diff.ts).
 */
import { writeFileSync } from 'node:fs';
import {
  fmt,
  fmtInt,
  flagBool,
  flagInt,
  flagString,
  loadAverage,
  machine,
  markdownTable,
  openFds,
  parseFlags,
  sleep,
  spawnBench,
  statusKiB,
  type BenchChild,
  type BenchEvent,
} from './bench-lib';
import { buildBench } from './bench-build';
import { BENCH_ENTRIES, parseServers, SERVER_LABEL, startServer, type ServerKind } from './bench-servers';

interface CapacityResult {
  server: ServerKind;
  connections: number;
  connectMs: number;
  connectFailures: number;
  retries: number;
  baselineRssKiB: number;
  baselineRssGcKiB: number;
  loadedRssKiB: number;
  loadedRssGcKiB: number;
  kibPerConn: number;
  kibPerConnGc: number;
  heapBytesPerConn: number;
  externalBytesPerConn: number;
  rssSamplesKiB: number[];
  serverFds: number;
  pingsReceived: number;
  unexpectedCloses: number;
  loadavg: string;
}

const flags = parseFlags(process.argv.slice(2));
const servers = parseServers(flagString(flags, 'servers', 'uws,ws,raw'));
const total = flagInt(flags, 'connections', 19_000);
const loadProcs = flagInt(flags, 'load-procs', 2);
const holdMs = flagInt(flags, 'hold-ms', 40_000);
const pingIntervalMs = flagInt(flags, 'ping-interval-ms', 10_000);
const idleTimeoutMs = flagInt(flags, 'idle-timeout-ms', 30_000);
const warmupConnections = flagInt(flags, 'warmup-connections', 100);
const sourceCount = flagInt(flags, 'source-count', 20);
const serverCpu = flagString(flags, 'server-cpu', '0');
const loadCpu = flagString(flags, 'load-cpu', '1');
const settleMaxMs = flagInt(flags, 'settle-max-ms', 40_000);
const jsonOut = flags.get('json');
const heapSnapshotDir = flags.get('heap-snapshot-dir');
const tag = Date.now().toString(36);
// Processes under test run as plain JS (see bench-build.ts) unless --swc-register is given.
const build = flagBool(flags, 'swc-register', false) ? undefined : buildBench(BENCH_ENTRIES);
if (build) process.on('exit', () => build.remove());
const buildOption = build ? { build } : {};

if (Math.ceil(total / loadProcs) >= 19_500) throw new Error('each load process must hold fewer than ~19,500 sockets (20k fd limit): add --load-procs');
if (total >= 19_900) throw new Error('the server holds one fd per connection and has a 20,000 fd limit');

type Memory = { rss: number; heapUsed: number; external: number; arrayBuffers: number; connections: number };

async function memory(server: { child: BenchChild; pid: number }): Promise<Memory> {
  const stats = await server.child.request('stats', 'stats');
  return {
    rss: statusKiB(server.pid, 'VmRSS'),
    heapUsed: Number(stats['heapUsed']),
    external: Number(stats['external']),
    arrayBuffers: Number(stats['arrayBuffers']),
    connections: Number(stats['connections']),
  };
}

/**
 * V8 gives memory back lazily (new-space shrinking, the memory reducer a few seconds after a GC),
 * so a single reading can be off by 10 MiB either way. Optionally force a full GC, then wait until
 * VmRSS has stayed within 256 KiB for 8 s (at most --settle-max-ms).
 */
async function settle(server: { child: BenchChild; pid: number }, gc: boolean): Promise<Memory> {
  if (gc) await server.child.request('gc', 'gc', 30_000);
  const readings: number[] = [];
  const until = Date.now() + settleMaxMs;
  while (Date.now() < until) {
    readings.push(statusKiB(server.pid, 'VmRSS'));
    const last = readings.slice(-5);
    if (last.length === 5 && Math.max(...last) - Math.min(...last) <= 256) break;
    await sleep(2_000);
  }
  return memory(server);
}

function loadClient(name: string, port: number, args: readonly string[]): BenchChild {
  return spawnBench(name, 'load-client.ts', ['--control', 'stdin', '--port', String(port), '--max-runtime-ms', String(holdMs + 600_000), ...args], {
    cpu: loadCpu,
    ...buildOption,
  });
}

async function stopLoads(loads: readonly BenchChild[]): Promise<BenchEvent[]> {
  return Promise.all(
    loads.map(async (load) => {
      const from = load.events.length;
      load.send('stop');
      const result = await load.waitFor((e) => e.event === 'result', 30_000, 'result', from).catch((): BenchEvent => ({ event: 'result' }));
      if (!(await load.waitExit(5_000))) await load.stop(2_000);
      return result;
    }),
  );
}

async function warmUp(server: ServerKind, port: number): Promise<void> {
  for (const frame of ['metervalues', 'heartbeat']) {
    const load = loadClient(`warmup-${frame}`, port, [
      '--connections', String(warmupConnections),
      '--mode', 'roundtrip',
      '--frame', frame,
      '--strict', String(server !== 'raw'),
      '--source-first', '250',
      '--source-count', '1',
      '--id-prefix', `cap-${tag}-${server}-warm-${frame}`,
    ]);
    await load.waitFor((e) => e.event === 'connected', 60_000, 'connected');
    load.send('start');
    await sleep(1_500);
    const [result] = await stopLoads([load]);
    if (Number(result?.['replies'] ?? 0) === 0) throw new Error(`${server}: warm-up got no replies`);
  }
}

async function measure(server: ServerKind): Promise<CapacityResult> {
  const started = await startServer(server, {
    cpu: serverCpu,
    nodeArgs: ['--expose-gc'],
    pingIntervalMs,
    idleTimeoutMs,
    rawIdleTimeoutS: Math.max(8, Math.round(pingIntervalMs / 1000)),
    ...buildOption,
  });
  const loads: BenchChild[] = [];
  try {
    await warmUp(server, started.port);
    const baseline = await settle(started, false);
    const baselineGc = await settle(started, true);
    if (heapSnapshotDir && server !== 'raw') await started.child.request(`heap-snapshot ${heapSnapshotDir}/${server}-baseline.heapsnapshot`, 'heap-snapshot', 120_000);
    if (baselineGc.connections !== 0) throw new Error(`${server}: ${baselineGc.connections} connections left after warm-up`);
    process.stderr.write(`${server}: baseline VmRSS ${baseline.rss} KiB (${baselineGc.rss} KiB after GC)\n`);

    for (let p = 0; p < loadProcs; p++) {
      const share = Math.floor(total / loadProcs) + (p < total % loadProcs ? 1 : 0);
      loads.push(
        loadClient(`idle-${p}`, started.port, [
          '--connections', String(share),
          '--mode', 'idle',
          '--source-first', String(2 + p * sourceCount),
          '--source-count', String(sourceCount),
          '--concurrency', '100',
          '--id-prefix', `cap-${tag}-${server}-p${p}`,
        ]),
      );
    }
    const connected = await Promise.all(loads.map((load) => load.waitFor((e) => e.event === 'connected', 300_000, 'connected')));
    const connectMs = Math.max(...connected.map((e) => Number(e['ms'])));
    const connectFailures = connected.reduce((sum, e) => sum + Number(e['failed']), 0);
    const retries = connected.reduce((sum, e) => sum + Number(e['retries']), 0);
    process.stderr.write(`${server}: ${total - connectFailures}/${total} connected in ${connectMs} ms (${retries} retries); holding ${holdMs} ms\n`);

    const samples: number[] = [];
    const holdUntil = Date.now() + holdMs;
    while (Date.now() < holdUntil) {
      await sleep(Math.min(5_000, holdUntil - Date.now()));
      samples.push(statusKiB(started.pid, 'VmRSS'));
    }
    const loadavg = loadAverage();
    const loaded = await memory(started);
    const loadedGc = await settle(started, true);
    if (heapSnapshotDir && server !== 'raw') await started.child.request(`heap-snapshot ${heapSnapshotDir}/${server}-loaded.heapsnapshot`, 'heap-snapshot', 300_000);
    const serverFds = openFds(started.pid);
    const statuses = await Promise.all(loads.map((load) => load.request('status', 'status')));
    const pingsReceived = statuses.reduce((sum, e) => sum + Number(e['pings']), 0);
    const unexpectedCloses = statuses.reduce((sum, e) => sum + Number(e['unexpectedCloses']), 0);
    const n = loadedGc.connections;
    return {
      server,
      connections: n,
      connectMs,
      connectFailures,
      retries,
      baselineRssKiB: baseline.rss,
      baselineRssGcKiB: baselineGc.rss,
      loadedRssKiB: loaded.rss,
      loadedRssGcKiB: loadedGc.rss,
      kibPerConn: (loaded.rss - baselineGc.rss) / n,
      kibPerConnGc: (loadedGc.rss - baselineGc.rss) / n,
      heapBytesPerConn: (loadedGc.heapUsed - baselineGc.heapUsed) / n,
      externalBytesPerConn: (loadedGc.external + loadedGc.arrayBuffers - baselineGc.external - baselineGc.arrayBuffers) / n,
      rssSamplesKiB: samples,
      serverFds,
      pingsReceived,
      unexpectedCloses,
      loadavg,
    };
  } finally {
    await stopLoads(loads);
    await started.child.stop(10_000);
  }
}

async function main(): Promise<void> {
  const info = machine();
  process.stderr.write(`gateway-capacity: ${JSON.stringify(info)}\n`);
  const results: CapacityResult[] = [];
  for (const server of servers) {
    const r = await measure(server);
    results.push(r);
    process.stderr.write(`${server}: ${JSON.stringify(r)}\n`);
  }
  const mib = (kib: number): string => fmt(kib / 1024, 1);
  const table = markdownTable(
    [
      'server',
      'connections',
      'connect time s',
      'VmRSS baseline MiB: as is / after GC',
      'VmRSS loaded MiB: as is / after GC',
      'KiB / idle conn after GC',
      'KiB / idle conn, loaded as is',
      'V8 heap B / conn',
      'external B / conn',
      'pings answered',
      'drops',
    ],
    results.map((r) => [
      SERVER_LABEL[r.server],
      fmtInt(r.connections),
      fmt(r.connectMs / 1000, 1),
      `${mib(r.baselineRssKiB)} / ${mib(r.baselineRssGcKiB)}`,
      `${mib(r.loadedRssKiB)} / ${mib(r.loadedRssGcKiB)}`,
      fmt(r.kibPerConnGc, 2),
      fmt(r.kibPerConn, 2),
      fmtInt(r.heapBytesPerConn),
      fmtInt(r.externalBytesPerConn),
      fmtInt(r.pingsReceived),
      String(r.unexpectedCloses + r.connectFailures),
    ]),
  );
  const samples = results.map((r) => `- ${r.server}: VmRSS every 5 s while held (MiB): ${r.rssSamplesKiB.map(mib).join(', ')}; server fds ${r.serverFds}; load average ${r.loadavg}`).join('\n');
  const uws = results.find((r) => r.server === 'uws');
  const verdict = uws
    ? `Target: uws engine <= 4 KiB per idle connection (stretch <= 2 KiB): ${fmt(uws.kibPerConnGc, 2)} KiB after GC ` +
      `(${fmt(uws.kibPerConn, 2)} KiB loaded as is, without a forced GC) -> ` +
      `${uws.kibPerConnGc <= 4 ? 'MET' : 'NOT MET'}${uws.kibPerConnGc <= 2 ? ', stretch MET' : ', stretch NOT MET'} (judged after GC: live memory; ` +
      `the as-is reading also holds garbage from the connection burst that no major GC has collected yet)`
    : '';
  process.stdout.write(
    `\n${fmtInt(total)} idle ocpp1.6 connections from ${loadProcs} load processes (cpu ${loadCpu}), server on cpu ${serverCpu}, ` +
      `gateway ping every ${pingIntervalMs / 1000} s, held ${holdMs / 1000} s:\n\n${table}\n\n${samples}\n\n${verdict}\n` +
      (heapSnapshotDir ? '\nWARNING: heap snapshots were written during this run; writing one inflates VmRSS, so the KiB figures above are not valid.\n' : ''),
  );
  process.stdout.write(`\nMachine: ${Object.entries(info).map(([key, value]) => `${key}: ${value || '-'}`).join('; ')}; load average at the end: ${loadAverage()}\n`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine: info, total, loadProcs, holdMs, pingIntervalMs, results }, null, 2));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`gateway-capacity failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
