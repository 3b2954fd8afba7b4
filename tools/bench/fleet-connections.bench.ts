/**
 * Concurrent stations across several gateway pods on this machine (issue 7 "Connections"): the
 * real apps/ocpp-gateway processes in distributed mode (Kafka mock cluster, Redis registry),
 * each holding its share of idle OCPP 1.6 connections with keepalive pings, for a while.
 *
 *   node -r @swc-node/register tools/bench/fleet-connections.bench.ts --stations 100000 --gateways 6
 *
 * One process holds fewer than 20,000 open files (../shared/ENVIRONMENT.md), so both the gateways
 * and the station load (spine-stations.ts, idle: it only answers pings and CSMS calls) are split
 * over several processes, each load process over its own range of loopback source addresses.
 * Reported: time until every station is connected (and the connection attempts retried), per
 * gateway the resident memory before and while holding, and the whole process's RSS divided by
 * its connections (an upper bound: it includes the runtime, kafkajs and ioredis; the growth alone
 * is within the GC's noise at this size, so the per-connection cost comes from
 * gateway-capacity.bench.ts, which forces GCs), the registry's entry count
 * in Redis against the connections held, the pings answered over the hold, and connections lost.
 *
 * Flags: --stations 100000 --gateways 6 --hold-ms 60000 --ping-interval-ms 20000 --engine uws
 *   --json <file>
 */
import { writeFileSync } from 'node:fs';
import { startDistributedPlatform } from './distributed-platform';
import { fmt, fmtInt, flagInt, flagString, loadAverage, machine, markdownTable, parseFlags, sleep, spawnBench, statusKiB, type BenchChild } from './bench-lib';

const flags = parseFlags(process.argv.slice(2));
const stationCount = flagInt(flags, 'stations', 100_000);
const gatewayCount = flagInt(flags, 'gateways', 6);
const holdMs = flagInt(flags, 'hold-ms', 60_000);
const pingIntervalMs = flagInt(flags, 'ping-interval-ms', 20_000);
const engine = flagString(flags, 'engine', 'uws');
const jsonFile = flags.get('json');
/** Source addresses per load process: ~28k ephemeral ports each, kept well below. */
const SOURCES_PER_LOAD = 4;

interface GatewayResult {
  pod: string;
  pid: number;
  connections: number;
  baselineKiB: number;
  loadedKiB: number;
  /** Whole-process RSS while holding / connections: an upper bound. */
  rssKiBPerConnection: number;
}

async function main(): Promise<void> {
  const info = machine();
  process.stderr.write(`fleet-connections: ${JSON.stringify(info)}\n`);
  const perGateway = Math.ceil(stationCount / gatewayCount);
  if (perGateway > 19_000) throw new Error(`${perGateway} stations per gateway: above the 20,000 open files of one process; use more --gateways`);

  const platform = await startDistributedPlatform({
    gateways: gatewayCount,
    withSessions: false,
    gatewayEnv: {
      OCPP_MAX_UPGRADES_IN_FLIGHT: '2000',
      OCPP_PING_INTERVAL_MS: String(pingIntervalMs),
      OCPP_IDLE_TIMEOUT_MS: String(pingIntervalMs * 3),
      WS_ENGINE: engine,
    },
  });
  const gateways = platform.gateways;
  const loads: BenchChild[] = [];
  try {
    await sleep(3000);
    const baseline = gateways.map((gateway) => statusKiB(gateway.child.pid!, 'VmRSS'));

    const started = Date.now();
    for (const [index, gateway] of gateways.entries()) {
      const count = Math.min(perGateway, stationCount - index * perGateway);
      loads.push(
        spawnBench(`stations-${index}`, 'spine-stations.ts', [
          '--control',
          'stdin',
          '--port',
          String(gateway.ready['ocppPort']),
          '--stations',
          String(count),
          '--id-prefix',
          `fleet-${index}`,
          '--source-first',
          String(2 + index * SOURCES_PER_LOAD),
          '--source-count',
          String(SOURCES_PER_LOAD),
          '--concurrency',
          '300',
        ]),
      );
    }
    const connected = await Promise.all(loads.map((load) => load.waitFor((event) => event.event === 'connected', 600_000, 'stations connected')));
    const connectMs = Date.now() - started;
    const open = connected.reduce((sum, event) => sum + (event['open'] as number), 0);
    const retries = connected.reduce((sum, event) => sum + (event['retries'] as number), 0);
    const failed = connected.reduce((sum, event) => sum + (event['failed'] as number), 0);
    process.stderr.write(`fleet-connections: ${open} of ${stationCount} connected in ${connectMs} ms; holding ${holdMs} ms\n`);

    const registered = async (): Promise<number> => (await platform.registeredStations()) ;
    let registryEntries = await registered();
    for (let waited = 0; registryEntries < open && waited < 60_000; waited += 1000) {
      await sleep(1000);
      registryEntries = await registered();
    }
    await sleep(holdMs);
    const statuses = await Promise.all(loads.map((load) => load.request('status', 'status', 30_000)));
    const stillOpen = statuses.reduce((sum, status) => sum + (status['open'] as number), 0);
    const lost = statuses.reduce((sum, status) => sum + (status['unexpectedCloses'] as number), 0);
    const pings = statuses.reduce((sum, status) => sum + (status['pings'] as number), 0);
    const loaded = gateways.map((gateway) => statusKiB(gateway.child.pid!, 'VmRSS'));
    const results: GatewayResult[] = gateways.map((gateway, index) => {
      const connections = connected[index]!['open'] as number;
      return {
        pod: `gw-${index}`,
        pid: gateway.child.pid!,
        connections,
        baselineKiB: baseline[index]!,
        loadedKiB: loaded[index]!,
        rssKiBPerConnection: loaded[index]! / connections,
      };
    });
    const summary = {
      stations: stationCount,
      gateways: gatewayCount,
      connectMs,
      open,
      retries,
      failed,
      registryEntries,
      stillOpenAfterHold: stillOpen,
      lostDuringHold: lost,
      pingsAnswered: pings,
      loadavg: loadAverage(),
    };
    print(info, results, summary);
    if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ machine: info, summary, gateways: results }, null, 2));
  } finally {
    await Promise.all(loads.map((load) => load.request('stop', 'stopped', 60_000).catch(() => undefined)));
    await Promise.all(loads.map((load) => load.stop()));
    await platform.stop();
  }
}

function print(info: Record<string, string>, gateways: GatewayResult[], summary: Record<string, number | string>): void {
  const totalConnections = gateways.reduce((sum, g) => sum + g.connections, 0);
  const totalRss = gateways.reduce((sum, g) => sum + g.loadedKiB, 0);
  const lines = [
    `### ${fmtInt(summary['stations'] as number)} stations over ${summary['gateways']} gateway pods (distributed mode)`,
    '',
    `${info['date']}, ${info['node']}, nproc ${info['nproc']}, ${info['cpu']}, commit ${info['commit']}; engine ${engine}, ping every ${pingIntervalMs / 1000} s, hold ${holdMs / 1000} s; load average at the end ${summary['loadavg']}`,
    '',
    markdownTable(
      ['connected', 'time to connect all', 'retried attempts', 'failed', 'registry entries', 'open after the hold', 'lost during the hold', 'pings answered by the stations', 'gateway RSS per connection, whole processes (upper bound)'],
      [
        [
          `${fmtInt(summary['open'] as number)} / ${fmtInt(summary['stations'] as number)}`,
          `${fmt((summary['connectMs'] as number) / 1000, 1)} s`,
          fmtInt(summary['retries'] as number),
          fmtInt(summary['failed'] as number),
          fmtInt(summary['registryEntries'] as number),
          fmtInt(summary['stillOpenAfterHold'] as number),
          fmtInt(summary['lostDuringHold'] as number),
          fmtInt(summary['pingsAnswered'] as number),
          `${fmt(totalRss / totalConnections, 2)} KiB (${fmt(totalRss / 1024, 0)} MiB in all)`,
        ],
      ],
    ),
    '',
    markdownTable(
      ['pod', 'connections', 'RSS before (MiB)', 'RSS holding (MiB)', 'RSS per connection (KiB, upper bound)'],
      gateways.map((g) => [g.pod, fmtInt(g.connections), fmt(g.baselineKiB / 1024, 0), fmt(g.loadedKiB / 1024, 0), fmt(g.rssKiBPerConnection, 2)]),
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`fleet-connections failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
