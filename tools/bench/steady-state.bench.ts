/**
 * Steady state (issue 7): the realistic mix (90% OCPP 1.6, 10% 2.0.1; heartbeats; drivers who
 * plug in, charge with meter values every 30 s and leave) from the simulator (tools/simulator) at
 * N stations against the distributed platform (2 gateway pods, sessions, billing, API over Kafka
 * mock, Redis, PostgreSQL), and operator commands through the API meanwhile.
 *
 *   node -r @swc-node/register tools/bench/steady-state.bench.ts --stations 10000 --duration-s 180
 *
 * --modes distributed,embedded runs the same load against each mode in turn: distributed as
 * above, embedded the all-in-one process of `npm start` (in-process bus and registry) over PGlite.
 *
 * Reported: the simulator's own summary (messages/s, call latency p50/p99 as the stations saw it,
 * sessions finished, errors), per process (the platform's and the servers it uses: PostgreSQL or
 * PGlite, the Kafka mock, Redis) its CPU (% of a core over the run) and resident memory at the
 * end, CPU per station message summed over all of them, and the latency of --commands
 * TriggerMessage(Heartbeat) commands sent one after another through
 * POST /api/v1/stations/{id}/commands/trigger-message to random connected stations while the load
 * runs. Then the database: sessions completed once each, one CDR per completed session.
 *
 * Flags: --stations 10000 --duration-s 180 --commands 200 --mix 1.6:0.9,2.0.1:0.1 --connectors 2
 *   --idle 60-600 --session 600-2400 --meter-interval 30 --modes distributed,embedded --json <file>
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { platformPids, startDistributedPlatform, type BenchPlatform } from './distributed-platform';
import { startEmbeddedPlatform } from './embedded-platform';
import { fmt, fmtInt, flagInt, flagString, LatencyHistogram, loadAverage, machine, markdownTable, parseFlags, sleep, spawnBench, statusKiB, type BenchChild } from './bench-lib';
import { CpuMeter } from './spine-lib';

const flags = parseFlags(process.argv.slice(2));
const stationCount = flagInt(flags, 'stations', 10_000);
const durationS = flagInt(flags, 'duration-s', 180);
const commandCount = flagInt(flags, 'commands', 200);
const mix = flagString(flags, 'mix', '1.6:0.9,2.0.1:0.1');
const connectors = flagInt(flags, 'connectors', 2);
const idle = flagString(flags, 'idle', '60-600');
const session = flagString(flags, 'session', '600-2400');
const meterInterval = flagInt(flags, 'meter-interval', 30);
const jsonFile = flags.get('json');
const modes = flagString(flags, 'modes', 'distributed,embedded').split(',') as Mode[];
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
const GATEWAYS = 2;

type Mode = 'distributed' | 'embedded';

function startPlatform(mode: Mode): Promise<BenchPlatform> {
  return mode === 'distributed'
    ? startDistributedPlatform({ gateways: GATEWAYS, withApi: true, withBilling: true, adminApiKey: ADMIN_KEY })
    : startEmbeddedPlatform({ adminApiKey: ADMIN_KEY });
}

async function main(): Promise<void> {
  const info = machine();
  process.stderr.write(`steady-state: ${JSON.stringify(info)}\n`);
  const results: SteadyResult[] = [];
  for (const mode of modes) {
    const result = await run(mode);
    process.stderr.write(`steady-state: ${JSON.stringify(result)}\n`);
    results.push(result);
  }
  print(info, results);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ machine: info, stationCount, durationS, results }, null, 2));
}

async function run(mode: Mode): Promise<SteadyResult> {
  const platform = await startPlatform(mode);
  const loads: BenchChild[] = [];
  try {
    await priceEverySession(platform.apiUrl!);
    const urls = platform.ocppUrls;
    const perGateway = Math.ceil(stationCount / urls.length);
    const pids = platformPids(platform);
    const meter = new CpuMeter(pids);
    const cpuFrom = meter.snapshot();
    const startedAt = performance.now();
    for (const [index, url] of platform.ocppUrls.entries()) {
      const count = Math.min(perGateway, stationCount - index * perGateway);
      loads.push(
        spawnBench(`simulator-${index}`, '../simulator/src/cli/simulate.cli.ts', [
          '--stations', String(count),
          '--mix', mix,
          '--url', url,
          '--connectors', String(connectors),
          '--id-prefix', `STEADY-${index}-`,
          '--token-prefix', `T${index}-`,
          '--source-ips', `127.0.${1 + index}.2-127.0.${1 + index}.9`,
          '--idle', idle,
          '--session', session,
          '--meter-interval', String(meterInterval),
          '--duration', String(durationS),
          '--api', platform.apiUrl!,
          '--api-key', ADMIN_KEY,
        ]),
      );
    }

    // Commands while the load runs: one at a time, to stations the registry holds.
    await sleep(Math.min(60_000, (durationS * 1000) / 3));
    const commandLatency = new LatencyHistogram();
    const outcomes: Record<string, number> = {};
    for (let sent = 0; sent < commandCount; sent++) {
      const gateway = sent % urls.length;
      // The simulator names its stations <prefix><index, 6 digits>.
      const stationId = `STEADY-${gateway}-${String(Math.floor(Math.random() * Math.min(perGateway, 1000))).padStart(6, '0')}`;
      const before = performance.now();
      const response = await fetch(`${platform.apiUrl!}/api/v1/stations/${encodeURIComponent(stationId)}/commands/trigger-message`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Heartbeat' }),
      });
      await response.text();
      const key = String(response.status);
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (response.status === 200) commandLatency.record((performance.now() - before) * 1000);
    }

    const summaries = await Promise.all(loads.map((load) => load.waitFor((event) => 'summary' in event, (durationS + 120) * 1000, 'simulator summary')));
    const wallS = (performance.now() - startedAt) / 1000;
    const { cpuMs } = CpuMeter.delta(cpuFrom, meter.snapshot());
    const perProcess = [...cpuMs].map(([role, ms]) => {
      const pid = pids.get(role);
      return { role, cpuPercent: (ms / 1000 / wallS) * 100, cpuMs: ms, rssMiB: typeof pid === 'number' ? statusKiB(pid, 'VmRSS') / 1024 : NaN };
    });
    // Billing consumes session events behind the sessions service: give it up to a minute.
    for (let waited = 0; waited < 60_000; waited += 1000) {
      const [pending] = await platform.query<{ n: string }>(
        `SELECT count(*) AS n FROM transactions t WHERE t.status = 'completed' AND NOT EXISTS (SELECT 1 FROM cdrs c WHERE c.session_id = t.id)`,
      );
      if (Number(pending!.n) === 0) break;
      await sleep(1000);
    }
    const [sessions] = await platform.query<{ completed: string; active: string }>(
      `SELECT count(*) FILTER (WHERE status = 'completed') AS completed, count(*) FILTER (WHERE status = 'active') AS active FROM transactions`,
    );
    const [cdrs] = await platform.query<{ originals: string; credits: string; unbilled: string; flagged: string }>(
      `SELECT (SELECT count(*) FROM cdrs WHERE record = 'DEBIT' AND replaces_cdr_id IS NULL) AS originals,
              (SELECT count(*) FROM cdrs WHERE record = 'CREDIT') AS credits,
              (SELECT count(*) FROM transactions t WHERE t.status = 'completed'
                  AND NOT EXISTS (SELECT 1 FROM cdrs c WHERE c.session_id = t.id AND c.record = 'DEBIT' AND c.replaces_cdr_id IS NULL)) AS unbilled,
              (SELECT count(*) FROM transactions WHERE cardinality(flags) > 0) AS flagged`,
    );
    const flags = await platform.query<{ flag: string; n: string }>(`SELECT unnest(flags) AS flag, count(*) AS n FROM transactions GROUP BY 1 ORDER BY 2 DESC`);
    process.stderr.write(`steady-state: session flags ${JSON.stringify(flags)}\n`);
    return {
      mode,
      flags: Object.fromEntries(flags.map((row) => [row.flag, Number(row.n)])),
      summaries: summaries.map((event) => event['summary'] as Record<string, number>),
      perProcess,
      commands: { outcomes, p50ms: commandLatency.percentile(0.5) / 1000, p99ms: commandLatency.percentile(0.99) / 1000, count: commandLatency.count },
      database: {
        completed: Number(sessions!.completed),
        active: Number(sessions!.active),
        cdrs: Number(cdrs!.originals),
        corrections: Number(cdrs!.credits),
        completedWithoutCdr: Number(cdrs!.unbilled),
        flagged: Number(cdrs!.flagged),
      },
      alive: `${platform.alive()} / ${platform.processes.size}`,
      loadavg: loadAverage(),
    };
  } finally {
    await Promise.all(loads.map((load) => load.stop()));
    await platform.stop();
  }
}

/** One energy tariff as the default for every station, so every finished session gets a CDR. */
async function priceEverySession(apiUrl: string): Promise<void> {
  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${apiUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const tariff = await post('/tariffs', { currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 0.35, vat: 21, step_size: 1 }] }] });
  await post('/tariff-assignments', { scope: 'default', tariffId: tariff['id'] });
}

interface SteadyResult {
  mode: Mode;
  flags: Record<string, number>;
  summaries: Array<Record<string, number>>;
  perProcess: Array<{ role: string; cpuPercent: number; cpuMs: number; rssMiB: number }>;
  commands: { outcomes: Record<string, number>; p50ms: number; p99ms: number; count: number };
  database: { completed: number; active: number; cdrs: number; corrections: number; completedWithoutCdr: number; flagged: number };
  alive: string;
  loadavg: string;
}

function print(info: Record<string, string>, results: readonly SteadyResult[]): void {
  const lines = [
    `### Steady state: ${fmtInt(stationCount)} stations (${mix}), ${durationS} s, ${results.map((result) => result.mode).join(' vs ')}`,
    '',
    `${info['date']}, ${info['node']}, nproc ${info['nproc']}, ${info['cpu']}, commit ${info['commit']}; drivers idle ${idle} s, sessions ${session} s, meter values every ${meterInterval} s; load average at the end ${results.map((result) => result.loadavg).join(' / ')}`,
    '',
    markdownTable(
      ['mode', 'connected (peak)', 'accepted', 'msg/s (stations -> CSMS, avg)', 'call latency p50 / p99 (worst load process)', 'calls / errors / timeouts', 'CPU per station message, all processes', 'sessions finished (simulator)', 'completed / active in the database (flagged)', 'CDRs / corrections / completed without CDR', 'commands 200 / other', 'command latency p50 / p99', 'processes alive'],
      results.map((result) => {
        const sum = (key: string): number => result.summaries.reduce((total, summary) => total + (summary[key] ?? 0), 0);
        const max = (key: string): number => Math.max(...result.summaries.map((summary) => summary[key] ?? 0));
        const cpuMs = result.perProcess.reduce((total, p) => total + (Number.isNaN(p.cpuMs) ? 0 : p.cpuMs), 0);
        return [
          result.mode,
          fmtInt(sum('connected')),
          fmtInt(sum('accepted')),
          fmtInt(sum('messagesPerS')),
          `${fmt(max('latencyP50Ms'), 1)} / ${fmt(max('latencyP99Ms'), 1)} ms`,
          `${fmtInt(sum('callsSent'))} / ${fmtInt(sum('callErrors'))} / ${fmtInt(sum('callTimeouts'))}`,
          `${fmt((cpuMs * 1000) / Math.max(1, sum('callsSent')), 0)} us`,
          fmtInt(sum('sessionsFinished')),
          `${fmtInt(result.database.completed)} / ${fmtInt(result.database.active)} (${fmtInt(result.database.flagged)})`,
          `${fmtInt(result.database.cdrs)} / ${fmtInt(result.database.corrections)} / ${fmtInt(result.database.completedWithoutCdr)}`,
          `${result.commands.outcomes['200'] ?? 0} / ${Object.entries(result.commands.outcomes).filter(([status]) => status !== '200').map(([status, n]) => `${status}: ${n}`).join(', ') || '0'}`,
          `${fmt(result.commands.p50ms, 1)} / ${fmt(result.commands.p99ms, 1)} ms`,
          result.alive,
        ];
      }),
    ),
    '',
    markdownTable(
      ['mode', 'process', 'CPU (% of one core, over the run)', 'RSS at the end (MiB)'],
      results.flatMap((result) => result.perProcess.map((p) => [result.mode, p.role, fmt(p.cpuPercent, 0), fmt(p.rssMiB, 0)])),
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`steady-state failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
