/**
 * Boot storm (issue 7): N simulated stations (tools/simulator, the realistic 1.6 / 2.0.1 mix)
 * connect at once to a fresh distributed platform (2 gateway pods, the sessions service, Kafka
 * mock cluster, Redis, PostgreSQL), as after a regional outage. Measured from the first connection
 * attempt until every station is Accepted and every connector's status is recorded in the
 * database (read from PostgreSQL itself, every 500 ms), with the gateways' admission control on
 * (defaults: bounded upgrades in flight, flap quarantine) and off.
 *
 *   node -r @swc-node/register tools/bench/boot-storm.bench.ts --stations 20000 --modes on,off
 *
 * Flags: --stations 20000 --connectors 2 --mix 1.6:0.9,2.0.1:0.1 --modes on,off
 *   --deadline-s 300 --connect-concurrency 2000 --json <file> --cpu-prof <dir> (V8 profiles of the platform)
 *   --env KAFKA_LINGER_MS=5,... (environment of every platform process) --partitions 8
 */
import { writeFileSync } from 'node:fs';
import { platformPids, startDistributedPlatform } from './distributed-platform';
import { clockTicksPerSecond, cpuTicks, fmt, fmtInt, flagInt, flagString, loadAverage, machine, markdownTable, parseFlags, sleep, spawnBench, type BenchChild } from './bench-lib';
import { CpuMeter, coreBusyMs, pidsMatching } from './spine-lib';

const flags = parseFlags(process.argv.slice(2));
const stationCount = flagInt(flags, 'stations', 20_000);
const connectors = flagInt(flags, 'connectors', 2);
const mix = flagString(flags, 'mix', '1.6:0.9,2.0.1:0.1');
const modes = flagString(flags, 'modes', 'on,off').split(',') as Array<'on' | 'off'>;
const deadlineS = flagInt(flags, 'deadline-s', 300);
const connectConcurrency = flagInt(flags, 'connect-concurrency', 2000);
const jsonFile = flags.get('json');
const cpuProfileDir = flags.get('cpu-prof');
const partitions = flagInt(flags, 'partitions', 8);
/** --env K=V,K=V: environment for every platform process (KAFKA_LINGER_MS=5, ...). */
const platformEnv = Object.fromEntries(flagString(flags, 'env', '').split(',').filter(Boolean).map((pair) => pair.split('=', 2) as [string, string]));
const GATEWAYS = 2;

interface StormResult {
  mode: 'on' | 'off';
  accepted: number;
  statusesComplete: number;
  allAcceptedS: number | null;
  allStatusesS: number | null;
  /** Accepted stations after 10, 30 and 60 s. */
  acceptedAt: Record<string, number>;
  platformProcessesAlive: string;
  loadavg: string;
  /** Calls the stations sent, and how many were answered with a CALLERROR or not at all. */
  calls: number;
  callErrors: number;
  callTimeouts: number;
  /** StatusNotifications stored, and stations with at least one connector status, at the end. */
  statusEvents: number;
  stationsWithAStatus: number;
  /** CPU seconds from the first connection until the end of the measurement, by component. */
  cpuS: Record<string, number>;
}

const sumBy = (values: Iterable<number>): number => [...values].reduce((sum, value) => sum + value, 0);

/** The simulator CLI (tools/simulator) as a load process: its stations boot and stay idle. */
function startFleet(name: string, url: string, count: number, idPrefix: string, sourceIps: string, extra: readonly string[] = []): BenchChild {
  return spawnBench(name, '../simulator/src/cli/simulate.cli.ts', [
    '--stations', String(count),
    '--mix', mix,
    '--url', url,
    '--connectors', String(connectors),
    '--id-prefix', idPrefix,
    '--source-ips', sourceIps,
    '--concurrency', String(connectConcurrency),
    ...extra,
  ]);
}

async function storm(mode: 'on' | 'off'): Promise<StormResult> {
  const platform = await startDistributedPlatform({
    gateways: GATEWAYS,
    ...(cpuProfileDir ? { cpuProfileDir } : {}),
    env: platformEnv,
    partitions,
    gatewayEnv: mode === 'on' ? {} : { OCPP_MAX_UPGRADES_IN_FLIGHT: '1000000', OCPP_RECONNECT_LIMIT: '1000000', OCPP_QUARANTINE_MS: '0' },
  });
  const loads: BenchChild[] = [];
  try {
    const meter = new CpuMeter(platformPids(platform));
    const cpuFrom = meter.snapshot();
    const busyFrom = sumBy(coreBusyMs().values());
    const started = Date.now();
    const perGateway = Math.ceil(stationCount / GATEWAYS);
    for (const [index, url] of platform.ocppUrls.entries()) {
      const count = Math.min(perGateway, stationCount - index * perGateway);
      // No driver arrives during the measurement: the storm is boots and statuses only.
      loads.push(startFleet(`simulator-${index}`, url, count, `STORM-${mode}-${index}-`, `127.0.${1 + index}.2-127.0.${1 + index}.9`, ['--idle', '100000', '--duration', String(deadlineS + 60)]));
    }

    const acceptedAt: Record<string, number> = {};
    let allAcceptedS: number | null = null;
    let allStatusesS: number | null = null;
    let accepted = 0;
    let statusesComplete = 0;
    while ((Date.now() - started) / 1000 < deadlineS) {
      await sleep(500);
      const elapsedS = (Date.now() - started) / 1000;
      const [booted] = await platform.query<{ n: string }>(`SELECT count(*) AS n FROM stations WHERE registration_status = 'Accepted' AND last_boot_at IS NOT NULL`);
      const [complete] = await platform.query<{ n: string }>(
        `SELECT count(*) AS n FROM (SELECT station_id FROM connectors WHERE evse_id > 0 GROUP BY station_id HAVING count(*) >= $1) complete`,
        [connectors],
      );
      accepted = Number(booted!.n);
      statusesComplete = Number(complete!.n);
      for (const mark of [10, 30, 60]) if (elapsedS >= mark && acceptedAt[`${mark}s`] === undefined) acceptedAt[`${mark}s`] = accepted;
      if (allAcceptedS === null && accepted >= stationCount) allAcceptedS = elapsedS;
      if (allStatusesS === null && statusesComplete >= stationCount) allStatusesS = elapsedS;
      if (allAcceptedS !== null && allStatusesS !== null) break;
    }
    const [statusRows] = await platform.query<{ events: string; stations: string }>(
      `SELECT (SELECT count(*) FROM connector_status_events) AS events, (SELECT count(DISTINCT station_id) FROM connectors) AS stations`,
    );
    const { cpuMs } = CpuMeter.delta(cpuFrom, meter.snapshot());
    // Why stations were refused, from the gateways' own counters.
    for (const [index, gateway] of platform.gateways.entries()) {
      const metrics = await (await fetch(`http://127.0.0.1:${gateway.ready['httpPort'] as number}/metrics`)).text();
      const interesting = metrics.split('\n').filter((line) => /^ocpp_gateway_(callerrors_total|rate_limited_total|disconnects_total|messages_total\{[^}]*outcome="(?!ok))/.test(line));
      process.stderr.write(`boot-storm: gateway ${index} ${JSON.stringify(interesting)}\n`);
    }
    // What the stations saw: SIGINT ends a simulator early with its summary.
    for (const load of loads) load.child.kill('SIGINT');
    const summaries = await Promise.all(loads.map((load) => load.waitFor((event) => 'summary' in event, 30_000, 'simulator summary').then((event) => event['summary'] as Record<string, number>)));
    const stationSide = (key: string): number => summaries.reduce((total, summary) => total + (summary[key] ?? 0), 0);
    const cpuS: Record<string, number> = {};
    for (const [role, ms] of cpuMs) {
      const component = role.startsWith('gateway') ? 'gateways' : role;
      cpuS[component] = (cpuS[component] ?? 0) + ms / 1000;
    }
    // The simulators were started for the storm: their whole lifetime counts.
    cpuS['simulators'] = sumBy(pidsMatching(/simulate\.(cli|worker)/).map((pid) => cpuTicks(pid))) / clockTicksPerSecond();
    cpuS['machine'] = (sumBy(coreBusyMs().values()) - busyFrom) / 1000;
    return {
      calls: stationSide('callsSent'),
      callErrors: stationSide('callErrors'),
      callTimeouts: stationSide('callTimeouts'),
      statusEvents: Number(statusRows!.events),
      stationsWithAStatus: Number(statusRows!.stations),
      cpuS,
      mode,
      accepted,
      statusesComplete,
      allAcceptedS,
      allStatusesS,
      acceptedAt,
      platformProcessesAlive: `${platform.alive()} / ${platform.processes.size}`,
      loadavg: loadAverage(),
    };
  } finally {
    await Promise.all(loads.map((load) => load.stop()));
    await platform.stop();
  }
}

async function main(): Promise<void> {
  const info = machine();
  process.stderr.write(`boot-storm: ${JSON.stringify(info)}\n`);
  const results: StormResult[] = [];
  for (const mode of modes) {
    const result = await storm(mode);
    process.stderr.write(`boot-storm: ${JSON.stringify(result)}\n`);
    results.push(result);
  }
  const seconds = (value: number | null): string => (value === null ? `not within ${deadlineS} s` : `${fmt(value, 1)} s`);
  const lines = [
    `### Boot storm: ${fmtInt(stationCount)} stations (${mix}, ${connectors} connectors) at once, 2 gateway pods, distributed`,
    '',
    `${info['date']}, ${info['node']}, nproc ${info['nproc']}, ${info['cpu']}, commit ${info['commit']}; connect concurrency ${connectConcurrency}, ${partitions} partitions`,
    '',
    markdownTable(
      ['admission control', 'all Accepted after', 'all statuses recorded after', 'Accepted after 10 / 30 / 60 s', 'Accepted at the end', 'statuses complete at the end', 'station calls / errors / timeouts', 'platform processes alive', 'CPU s: gateways / sessions / postgres / kafka mock / redis / simulators / machine', 'load avg'],
      results.map((r) => [
        r.mode,
        seconds(r.allAcceptedS),
        seconds(r.allStatusesS),
        ['10s', '30s', '60s'].map((mark) => (r.acceptedAt[mark] === undefined ? '-' : fmtInt(r.acceptedAt[mark]))).join(' / '),
        fmtInt(r.accepted),
        fmtInt(r.statusesComplete),
        `${fmtInt(r.calls)} / ${fmtInt(r.callErrors)} / ${fmtInt(r.callTimeouts)}`,
        r.platformProcessesAlive,
        ['gateways', 'sessions', 'postgres', 'kafka mock', 'redis', 'simulators', 'machine'].map((role) => fmt(r.cpuS[role] ?? NaN, 1)).join(' / '),
        r.loadavg,
      ]),
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ machine: info, stationCount, connectors, mix, results }, null, 2));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`boot-storm failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
