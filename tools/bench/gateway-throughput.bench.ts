/**
 * Round-trip throughput and server CPU per round trip: raw uWS echo vs the gateway (uws and ws
 * engines), for Heartbeat and MeterValues (10 sampled values).
 *
 *   node -r @swc-node/register tools/bench/gateway-throughput.bench.ts [--rounds 3]
 *
 * Each measurement: server pinned to --server-cpu (0), --load-procs (2) load processes pinned to
 * --load-cpu (1) with --connections (200) connections in total, one CALL outstanding each;
 * --warmup-ms 3000, then a --duration-ms 10000 window. Figures:
 *   msg/s          replies counted by the load processes over the window / window length
 *   CPU us/rt      server utime+stime (/proc/PID/stat, all threads) over the window / replies
 *   rt/s per core  1e6 / CPU us per rt: what one fully used server core would sustain
 *   server/load %  share of one core the server / the load processes used in the window
 *   p50/p99        round-trip latency seen by the clients in the window
 * Servers run in the order given, per frame, per round; ratios to raw are taken within one round
 * and the table shows medians over the rounds. Other flags: --servers raw,uws,ws
 * --frames heartbeat,metervalues --cpu-prof <dir> (profile the gateway servers) --json <file>.
 */
import { writeFileSync } from 'node:fs';
import {
  clockTicksPerSecond,
  cpuTicks,
  fmt,
  fmtInt,
  flagBool,
  flagInt,
  flagString,
  LatencyHistogram,
  loadAverage,
  machine,
  markdownTable,
  median,
  parseFlags,
  sleep,
  spawnBench,
  type BenchChild,
  type BenchEvent,
} from './bench-lib';
import { buildBench } from './bench-build';
import { BENCH_ENTRIES, parseServers, SERVER_LABEL, startServer, type ServerKind } from './bench-servers';
import { FRAME_LABEL, type BenchFrame } from './frames';

interface Measurement {
  round: number;
  server: ServerKind;
  frame: BenchFrame;
  windowMs: number;
  replies: number;
  messagesPerSecond: number;
  serverCpuUsPerRt: number;
  serverCoreShare: number;
  loadCoreShare: number;
  p50us: number;
  p99us: number;
  errors: number;
  validated: number;
  loadavg: string;
}

const flags = parseFlags(process.argv.slice(2));
const servers = parseServers(flagString(flags, 'servers', 'raw,uws,ws'));
const frames = flagString(flags, 'frames', 'heartbeat,metervalues').split(',') as BenchFrame[];
const rounds = flagInt(flags, 'rounds', 3);
const connections = flagInt(flags, 'connections', 200);
const loadProcs = flagInt(flags, 'load-procs', 2);
const warmupMs = flagInt(flags, 'warmup-ms', 3_000);
const durationMs = flagInt(flags, 'duration-ms', 10_000);
const serverCpu = flagString(flags, 'server-cpu', '0');
const loadCpu = flagString(flags, 'load-cpu', '1');
const cpuProfDir = flags.get('cpu-prof');
const jsonOut = flags.get('json');
const tag = Date.now().toString(36);
// Processes under test run as plain JS (see bench-build.ts) unless --swc-register is given.
const build = flagBool(flags, 'swc-register', false) ? undefined : buildBench(BENCH_ENTRIES);
if (build) process.on('exit', () => build.remove());
const buildOption = build ? { build } : {};

function errorsOf(e: BenchEvent): number {
  return ['callErrors', 'mismatched', 'invalidPayload', 'unexpectedCloses', 'sendFailures'].reduce((sum, key) => sum + Number(e[key] ?? 0), 0);
}

async function markAll(loads: BenchChild[]): Promise<BenchEvent[]> {
  return Promise.all(loads.map((load) => load.request('mark', 'mark', 15_000)));
}

async function measure(round: number, server: ServerKind, frame: BenchFrame): Promise<Measurement> {
  const nodeArgs = cpuProfDir && server !== 'raw' ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=${server}-${frame}-r${round}.cpuprofile`] : [];
  const started = await startServer(server, { cpu: serverCpu, nodeArgs, ...buildOption });
  const loads: BenchChild[] = [];
  try {
    for (let p = 0; p < loadProcs; p++) {
      const share = Math.floor(connections / loadProcs) + (p < connections % loadProcs ? 1 : 0);
      loads.push(
        spawnBench(
          `load-${p}`,
          'load-client.ts',
          [
            '--control', 'stdin',
            '--port', String(started.port),
            '--connections', String(share),
            '--mode', 'roundtrip',
            '--frame', frame,
            '--strict', String(server !== 'raw'),
            '--source-first', String(2 + p * 4),
            '--source-count', '4',
            '--id-prefix', `tp-${tag}-r${round}-${server}-${frame}-p${p}`,
            '--max-runtime-ms', String(warmupMs + durationMs + 120_000),
          ],
          { cpu: loadCpu, ...buildOption },
        ),
      );
    }
    const connected = await Promise.all(loads.map((load) => load.waitFor((e) => e.event === 'connected', 60_000, 'connected')));
    const open = connected.reduce((sum, e) => sum + Number(e['open']), 0);
    if (open !== connections) throw new Error(`${server}: only ${open}/${connections} connections opened`);

    for (const load of loads) load.send('start');
    await sleep(warmupMs);
    const loadavg = loadAverage();
    const s0 = cpuTicks(started.pid);
    const l0 = loads.reduce((sum, load) => sum + cpuTicks(load.pid), 0);
    const t0 = performance.now();
    const first = await markAll(loads);
    await sleep(durationMs - (performance.now() - t0));
    const s1 = cpuTicks(started.pid);
    const l1 = loads.reduce((sum, load) => sum + cpuTicks(load.pid), 0);
    const t1 = performance.now();
    const last = await markAll(loads);

    const windowMs = t1 - t0;
    const replies = last.reduce((sum, e, i) => sum + Number(e['replies']) - Number(first[i]!['replies']), 0);
    const errors = last.reduce((sum, e, i) => sum + errorsOf(e) - errorsOf(first[i]!), 0);
    const validated = last.reduce((sum, e) => sum + Number(e['validated']), 0);
    const histogram = new LatencyHistogram();
    for (const e of last) histogram.merge(e['latency'] as Record<string, number>, Number(e['latencyMaxUs']));
    const tick = 1e6 / clockTicksPerSecond();
    return {
      round,
      server,
      frame,
      windowMs: Math.round(windowMs),
      replies,
      messagesPerSecond: (replies * 1000) / windowMs,
      serverCpuUsPerRt: ((s1 - s0) * tick) / replies,
      serverCoreShare: ((s1 - s0) * tick) / (windowMs * 1000),
      loadCoreShare: ((l1 - l0) * tick) / (windowMs * 1000),
      p50us: histogram.percentile(0.5),
      p99us: histogram.percentile(0.99),
      errors,
      validated,
      loadavg,
    };
  } finally {
    await Promise.all(
      loads.map(async (load) => {
        load.send('stop');
        if (!(await load.waitExit(12_000))) await load.stop(2_000);
      }),
    );
    await started.child.stop(8_000);
  }
}

async function main(): Promise<void> {
  const info = machine();
  process.stderr.write(`gateway-throughput: ${JSON.stringify(info)}\n`);
  const results: Measurement[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const frame of frames) {
      for (const server of servers) {
        const m = await measure(round, server, frame);
        results.push(m);
        process.stderr.write(
          `round ${round} ${frame} ${server}: ${fmtInt(m.messagesPerSecond)} msg/s, ${fmt(m.serverCpuUsPerRt)} us CPU/rt, ` +
            `server ${fmt(m.serverCoreShare * 100, 0)}% load ${fmt(m.loadCoreShare * 100, 0)}% of a core, p50 ${fmt(m.p50us / 1000, 2)} ms ` +
            `p99 ${fmt(m.p99us / 1000, 2)} ms, errors ${m.errors}, loadavg ${m.loadavg}\n`,
        );
      }
    }
  }

  const cell = (server: ServerKind, frame: BenchFrame, pick: (m: Measurement) => number): number =>
    median(results.filter((m) => m.server === server && m.frame === frame).map(pick));
  const ratio = (server: ServerKind, frame: BenchFrame, pick: (m: Measurement) => number): number => {
    const ratios: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const ours = results.find((m) => m.round === round && m.server === server && m.frame === frame);
      const raw = results.find((m) => m.round === round && m.server === 'raw' && m.frame === frame);
      if (ours && raw) ratios.push(pick(ours) / pick(raw));
    }
    return median(ratios);
  };

  const rows: string[][] = [];
  for (const frame of frames) {
    for (const server of servers) {
      const hasRaw = servers.includes('raw');
      rows.push([
        FRAME_LABEL[frame],
        SERVER_LABEL[server],
        fmtInt(cell(server, frame, (m) => m.messagesPerSecond)),
        hasRaw ? `${fmt(ratio(server, frame, (m) => m.messagesPerSecond) * 100, 1)}%` : 'n/a',
        fmt(cell(server, frame, (m) => m.serverCpuUsPerRt)),
        hasRaw ? `${fmt(ratio(server, frame, (m) => m.serverCpuUsPerRt), 2)}x` : 'n/a',
        fmtInt(1e6 / cell(server, frame, (m) => m.serverCpuUsPerRt)),
        `${fmt(cell(server, frame, (m) => m.serverCoreShare * 100), 0)}% / ${fmt(cell(server, frame, (m) => m.loadCoreShare * 100), 0)}%`,
        fmt(cell(server, frame, (m) => m.p50us) / 1000, 2),
        fmt(cell(server, frame, (m) => m.p99us) / 1000, 2),
        String(results.filter((m) => m.server === server && m.frame === frame).reduce((sum, m) => sum + m.errors, 0)),
      ]);
    }
  }
  const table = markdownTable(
    ['frame', 'server', 'msg/s', 'msg/s vs raw', 'server CPU us/rt', 'CPU/rt vs raw', 'rt/s per server core', 'server / load core use', 'p50 ms', 'p99 ms', 'errors'],
    rows,
  );
  const perRound = markdownTable(
    ['round', 'frame', 'server', 'msg/s', 'server CPU us/rt', 'server / load core use', 'p50 ms', 'p99 ms', 'load average (1/5/15 min)'],
    results.map((m) => [
      String(m.round),
      m.frame,
      m.server,
      fmtInt(m.messagesPerSecond),
      fmt(m.serverCpuUsPerRt),
      `${fmt(m.serverCoreShare * 100, 0)}% / ${fmt(m.loadCoreShare * 100, 0)}%`,
      fmt(m.p50us / 1000, 2),
      fmt(m.p99us / 1000, 2),
      m.loadavg,
    ]),
  );
  const uwsRatio = ratio('uws', 'heartbeat', (m) => m.messagesPerSecond);
  const uwsCpu = ratio('uws', 'heartbeat', (m) => m.serverCpuUsPerRt);
  const verdict = servers.includes('raw') && servers.includes('uws')
    ? [
        `Target: gateway (uws) >= 60% of raw echo msg/s (Heartbeat): ${fmt(uwsRatio * 100, 1)}% -> ${uwsRatio >= 0.6 ? 'MET' : 'NOT MET'}`,
        `Longer-term target: <= 1.5x raw CPU per round trip (Heartbeat): ${fmt(uwsCpu, 2)}x -> ${uwsCpu <= 1.5 ? 'MET' : 'NOT MET'}`,
        `Per server core (1e6 / CPU us per rt), the gateway (uws) does ${fmt((1 / uwsCpu) * 100, 0)}% of raw echo's Heartbeat round trips: ` +
          'msg/s above is bounded by the load generator and by other work on the machine, this is not',
        `MeterValues: ${fmt(ratio('uws', 'metervalues', (m) => m.messagesPerSecond) * 100, 1)}% of raw msg/s, ${fmt(ratio('uws', 'metervalues', (m) => m.serverCpuUsPerRt), 2)}x raw CPU/rt`,
      ].join('\n')
    : '';
  process.stdout.write(
    `\n${connections} connections over ${loadProcs} load processes (cpu ${loadCpu}), server on cpu ${serverCpu}, warm-up ${warmupMs} ms, ` +
      `window ${durationMs} ms, ${rounds} round(s), medians:\n\n${table}\n\nPer round:\n\n${perRound}\n\n${verdict}\n`,
  );
  process.stdout.write(`\nMachine: ${Object.entries(info).map(([key, value]) => `${key}: ${value || '-'}`).join('; ')}; load average at the end: ${loadAverage()}\n`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine: info, connections, loadProcs, warmupMs, durationMs, results }, null, 2));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`gateway-throughput failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
