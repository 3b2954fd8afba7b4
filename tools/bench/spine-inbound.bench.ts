/**
 * Inbound path on the spine, Kafka vs embedded: stations send MeterValues (OCPP 1.6, 10 sampled
 * values) through gateway -> bus -> a consumer, open loop at increasing rates, and the reply
 * latency is measured at each step to find the knee (the highest rate with p99 < 1 s, the rate
 * achieved and no errors).
 *
 *   node -r @swc-node/register tools/bench/spine-inbound.bench.ts
 *   node -r @swc-node/register tools/bench/spine-inbound.bench.ts --rates 1000,2000,4000,6000,8000 --window-ms 10000
 *
 * Two configurations, alive at the same time and measured in alternation at each rate (so both see
 * the same machine), each with its own stations:
 * - distributed: spine-node.ts --role gateway (GatewayNode, KafkaBus, Redis registry,
 *   acknowledgeWhen 'published': the station's MeterValues is answered once Kafka acknowledged it)
 *   and spine-node.ts --role consumer (a StationCallConsumer group member that counts) as two
 *   processes, as deployed, over librdkafka's mock cluster (startKafkaMockCluster, 8 partitions).
 *   The mock is a real broker substitute speaking the Kafka protocol: its own CPU and latency are
 *   part of the Kafka figure.
 * - embedded: spine-node.ts --role embedded (GatewayNode + the same consumer on an InProcessBus in
 *   one process, acknowledgeWhen 'processed': answered only after the consumer processed it).
 * The system under test (both gateways, the consumer, the mock cluster) is pinned to core 0, the
 * station load processes (spine-stations.ts, one per configuration) to core 1: each configuration
 * gets the same single core for the whole spine.
 * Optional third configuration, `--configs distributed,embedded,distributed-split`: the distributed
 * set-up with only the gateway on core 0 and its consumer and mock cluster on core 1 with the load
 * (what one gateway pod does when the broker and the services run elsewhere).
 *
 * Each step: rate set, --settle-ms, then a --window-ms window delimited by marks and
 * /proc/PID/stat readings; then the rate drops to 0 and outstanding calls drain. A configuration
 * that misses a step is not driven further. At the end every acknowledged MeterValues is looked
 * up in its consumer's record (at least once, and duplicates counted).
 *
 * Distributed: after each step the consumer is given time to process everything acknowledged
 * (reported as its lag at the end of the window and the catch-up time), so each step starts clean
 * and no message outlives the mock's retention (librdkafka's mock keeps 5 MiB per partition, about
 * 3,000 of these envelopes, and a consumer that falls further behind finds them gone).
 * --consumer-concurrency (default 4, the KafkaBus default) sets the consumer's
 * partitionsConsumedConcurrently. Before the OffsetCommitter (one commit in flight per member)
 * the runs of commit 71be3d8 used 1: concurrent commits slowed the consumer to a few hundred
 * messages/s on the mock (spine-consumer-commits.micro.ts).
 *
 * After the ladder, --refine rounds (default 1) each try the rate halfway between a configuration's
 * last pass and its first miss (rounded to 250 msg/s); the knee is the highest passing rate below
 * the lowest miss.
 *
 * --sessions: the consumer is the real sessions service on a database (PostgreSQL for distributed,
 * a test database on the machine's server, its backends pinned to the system-under-test core and
 * measured; PGlite in a child process for embedded, as `npm start` runs it, pinned likewise).
 * Stations boot and start a 1.6 transaction first; each MeterValues then writes 10 rows. The
 * delivery check reads the rows back: every acknowledged message stored exactly once, and every
 * session's energy equal to its last register reading.
 *
 * Flags: --stations 2000 --rates 500,1000,2000,3000,4000,5000,6000,8000,10000,12000 --warmup-ms 5000
 *   --settle-ms 3000 --window-ms 10000 --configs distributed,embedded --consumer-concurrency 4
 *   --refine 1 --json <file> --cpu-prof <dir> --max-runtime-ms 1800000
 */
import { writeFileSync } from 'node:fs';
import { TOPICS } from '@evcsms/contracts';
import { createRedisNamespace, createTestDatabase, startKafkaMockCluster, startPgliteServer, type KafkaMockCluster } from '@evcsms/testing';
import { fmt, fmtInt, flagInt, flagString, LatencyHistogram, loadAverage, machine, markdownTable, parseFlags, sleep, spawnBench, type BenchChild, type BenchEvent } from './bench-lib';
import { coreBusyMs, CpuMeter, cpuUsPer, ms, pidsOfCommand, pinProcess } from './spine-lib';

const SUT_CPU = '0';
const LOAD_CPU = '1';

const flags = parseFlags(process.argv.slice(2));
const stationCount = flagInt(flags, 'stations', 2000);
const rates = flagString(flags, 'rates', '500,1000,2000,3000,4000,5000,6000,8000,10000,12000')
  .split(',')
  .map(Number)
  .filter((r) => r > 0);
const warmupMs = flagInt(flags, 'warmup-ms', 5000);
const settleMs = flagInt(flags, 'settle-ms', 3000);
const windowMs = flagInt(flags, 'window-ms', 10_000);
const CONFIG_NAMES: readonly string[] = ['distributed', 'embedded', 'distributed-split'];
const configNames = flagString(flags, 'configs', 'distributed,embedded').split(',').map((c) => c.trim()).filter(Boolean) as ConfigName[];
for (const name of configNames) if (!CONFIG_NAMES.includes(name)) throw new Error(`unknown config "${name}" (${CONFIG_NAMES.join(', ')})`);
const jsonFile = flags.get('json');
/** KafkaBus consumer.partitionsConsumedConcurrently of the distributed consumer (see the note in print()). */
const consumerConcurrency = flagInt(flags, 'consumer-concurrency', 4);
/** Steps halfway between the last pass and the first miss, per configuration, after the ladder. */
const refine = flagInt(flags, 'refine', 1);
/** --cpu-prof <dir>: V8 CPU profiles of the spine-node processes (read with cpu-profile-summary.ts). */
const cpuProfDir = flags.get('cpu-prof');
const profiled = (name: string): { nodeArgs?: readonly string[] } =>
  cpuProfDir ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', cpuProfDir, '--cpu-prof-name', `${name}.cpuprofile`] } : {};
const P99_LIMIT_US = 1_000_000;
const withSessions = flags.has('sessions');
/** Rows one MeterValues leaves in meter_values (frames.ts: 10 sampled values). */
const ROWS_PER_MESSAGE = 10;

type ConfigName = 'distributed' | 'embedded' | 'distributed-split';
const isDistributed = (name: ConfigName): boolean => name !== 'embedded';

interface Config {
  readonly name: ConfigName;
  readonly gateway: BenchChild;
  readonly consumer: BenchChild;
  readonly stations: BenchChild;
  /** Processes of the system under test, by label (a label may cover several processes). */
  readonly sut: Map<string, number | (() => readonly number[])>;
  done: boolean;
}

interface Step {
  config: ConfigName;
  rate: number;
  windowS: number;
  acked: number;
  achieved: number;
  p50us: number;
  p99us: number;
  maxUs: number;
  serviceP50us: number;
  serviceP99us: number;
  errors: number;
  errorCodes: Record<string, number>;
  backlog: number;
  outstandingAtEnd: number;
  cpuUsPerMessage: Record<string, string>;
  sutUsPerMessage: string;
  sutCoreUse: string;
  loadCoreUse: string;
  core0Busy: string;
  core1Busy: string;
  messagesPerProduce: string;
  /** Distributed: acknowledged messages the consumer had not processed at the end of the window. */
  consumerLagAtEnd: number;
  /** Distributed: seconds after the window until the consumer had processed everything acknowledged. */
  catchUpS: number;
  /** Distributed: consumer and mock CPU from the window's start until caught up, per message processed then. */
  consumerUsPerMessage: string;
  /** --sessions: meter_values rows written per second in the window. */
  rowsPerS: number;
  loadavg: string;
  pass: boolean;
}

const cleanups: Array<() => Promise<unknown>> = [];

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    process.stderr.write('spine-inbound: --max-runtime-ms reached, giving up\n');
    process.exit(3);
  }, flagInt(flags, 'max-runtime-ms', 1_800_000));
  deadline.unref();
  const info = machine();
  process.stderr.write(`spine-inbound: ${JSON.stringify(info)}\n`);

  const configs: Config[] = [];
  const redis = configNames.some(isDistributed) ? await createRedisNamespace() : undefined;
  if (redis) {
    cleanups.push(() => redis.cleanup());
    if (!/^127\./.test(new URL(redis.url).hostname)) throw new Error(`Redis must be on 127.0.0.0/8, got ${redis.url}`);
  }
  // Each distributed variant has its own mock cluster, gateway, consumer group and stations.
  for (const [index, name] of configNames.filter(isDistributed).entries()) {
    // 'distributed-split': the gateway alone on the SUT core, the consumer and the mock with the load.
    const offloadCpu = name === 'distributed-split' ? LOAD_CPU : SUT_CPU;
    const kafka: KafkaMockCluster = await startKafkaMockCluster({ partitions: 8, topics: [TOPICS.stationCalls, TOPICS.stationPresence] });
    cleanups.push(() => kafka.stop());
    pinProcess(kafka.pid, offloadCpu);
    const common = ['--control', 'stdin', '--kafka-brokers', kafka.brokers.join(','), '--redis-url', redis!.url, '--redis-prefix', redis!.prefix];
    const database = withSessions ? await createTestDatabase() : undefined;
    if (database) cleanups.push(() => database.drop());
    const databaseArgs = database ? ['--database-url', database.url] : [];
    const consumer = spawnBench(`consumer-${name}`, 'spine-node.ts', ['--role', 'consumer', '--partitions-concurrently', String(consumerConcurrency), ...databaseArgs, ...common], {
      cpu: offloadCpu,
      ...profiled(`consumer-${name}`),
    });
    await consumer.waitFor((e) => e.event === 'ready', 120_000, 'consumer ready');
    const gateway = spawnBench(`gateway-${name}`, 'spine-node.ts', ['--role', 'gateway', '--pod-id', `spine-gw-${name}`, ...common], {
      cpu: SUT_CPU,
      ...profiled(`gateway-${name}`),
    });
    const ready = await gateway.waitFor((e) => e.event === 'ready', 120_000, 'gateway ready');
    const stations = startStations(`stations-${name}`, ready['port'] as number, `spine-in-${index}`, 2 + 20 * index);
    configs.push({
      name,
      gateway,
      consumer,
      stations,
      sut: new Map([
        ['gateway', gateway.pid],
        ['consumer', consumer.pid],
        ['kafka mock', kafka.pid],
      ]),
      done: false,
    });
  }
  if (configNames.includes('embedded')) {
    const pglite = withSessions ? await startPgliteServer({ maxConnections: 16 }) : undefined;
    if (pglite) {
      cleanups.push(() => pglite.stop());
      pinProcess(pglite.pid, SUT_CPU);
    }
    const databaseArgs = pglite ? ['--database-url', pglite.url, '--pool-max', String(Math.floor(pglite.maxConnections / 2))] : [];
    const node = spawnBench('embedded', 'spine-node.ts', ['--role', 'embedded', '--pod-id', 'spine-embedded', '--control', 'stdin', ...databaseArgs], { cpu: SUT_CPU, ...profiled('embedded') });
    const ready = await node.waitFor((e) => e.event === 'ready', 120_000, 'embedded node ready');
    const stations = startStations('stations-embedded', ready['port'] as number, 'spine-in-e', 100);
    const sut = new Map<string, number | (() => readonly number[])>([['gateway + consumer', node.pid]]);
    if (pglite) sut.set('pglite', pglite.pid);
    configs.push({ name: 'embedded', gateway: node, consumer: node, stations, sut, done: false });
  }
  for (const config of configs) {
    const connected = await config.stations.waitFor((e) => e.event === 'connected', 180_000, `${config.name} stations connected`);
    if (connected['open'] !== stationCount) throw new Error(`${config.name}: only ${String(connected['open'])} of ${stationCount} stations connected`);
  }
  process.stderr.write(`spine-inbound: stations connected; load average ${loadAverage()}\n`);
  // PostgreSQL (the machine's server, shared by the distributed configurations: there is one
  // with --sessions unless asked otherwise) on the system-under-test core and measured: all of its
  // processes, listed at each snapshot, as backends come and go with the consumer's pool.
  if (withSessions && configNames.some(isDistributed)) {
    const postgres = (): number[] => pidsOfCommand('postgres');
    for (const pid of postgres()) pinProcess(pid, SUT_CPU);
    // The server is the machine's: give it every core back afterwards.
    cleanups.push(async () => {
      for (const pid of postgres()) pinProcess(pid, '0-1');
    });
    for (const config of configs) if (isDistributed(config.name)) config.sut.set('postgres', postgres);
  }

  // Warm-up: JIT, Kafka connections and batches, consumer group settled.
  for (const config of configs) {
    config.stations.send(`rate ${Math.min(1000, rates[0] ?? 1000)}`);
    await sleep(warmupMs);
    config.stations.send('rate 0');
    await drain(config);
    if (isDistributed(config.name) || withSessions) await caughtUp(config);
  }

  const steps: Step[] = [];
  for (let index = 0; index < rates.length; index++) {
    const rate = rates[index]!;
    // Alternate which configuration goes first, so neither always follows the other's drain.
    const order = index % 2 === 0 ? configs : [...configs].reverse();
    for (const config of order) {
      if (config.done) continue;
      const step = await runStep(config, rate);
      steps.push(step);
      process.stderr.write(`spine-inbound: ${JSON.stringify(step)}\n`);
      if (!step.pass) config.done = true;
    }
    if (configs.every((c) => c.done)) break;
  }
  // Refine: one step halfway between each configuration's last pass and its first miss.
  for (let round = 0; round < refine; round++) {
    for (const config of round % 2 === 0 ? configs : [...configs].reverse()) {
      const { knee, missed } = kneeOf(steps, config.name);
      if (!knee || !missed) continue;
      const mid = Math.round((knee.rate + missed.rate) / 2 / 250) * 250;
      if (mid <= knee.rate || mid >= missed.rate) continue;
      const step = await runStep(config, mid);
      steps.push(step);
      process.stderr.write(`spine-inbound: ${JSON.stringify(step)}\n`);
    }
  }

  const delivery = new Map<ConfigName, Record<string, number>>();
  for (const config of configs) {
    const check = await deliveryCheck(config);
    if (withSessions) {
      const energy = await config.consumer.request('energy', 'energy', 60_000);
      delivery.set(config.name, { ...check, sessions: energy['sessions'] as number, energyMismatched: energy['energyMismatched'] as number });
    } else delivery.set(config.name, check);
  }

  for (const config of configs) await config.stations.request('stop', 'stopped', 15_000).catch(() => undefined);
  await Promise.all(configs.flatMap((c) => [c.stations.stop(), c.gateway.stop(), c.consumer.stop()]));
  print(info, configs, steps, delivery);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ machine: info, stationCount, rates, settleMs, windowMs, sessions: withSessions, steps, delivery: Object.fromEntries(delivery) }, null, 2));
}


function startStations(name: string, port: number, idPrefix: string, sourceFirst: number): BenchChild {
  return spawnBench(
    name,
    'spine-stations.ts',
    ['--control', 'stdin', '--port', String(port), '--stations', String(stationCount), '--id-prefix', idPrefix, '--source-first', String(sourceFirst), ...(withSessions ? ['--sessions'] : [])],
    { cpu: LOAD_CPU },
  );
}

async function drain(config: Config, timeoutMs = 20_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  let status: BenchEvent;
  do {
    status = await config.stations.request('status', 'status');
    if ((status['outstanding'] as number) === 0) return 0;
    await sleep(100);
  } while (Date.now() < until);
  return status['outstanding'] as number;
}

/** Waits until the consumer processed (or skipped, as gaps) everything the stations got acknowledged. */
async function caughtUp(config: Config, timeoutMs = 180_000): Promise<boolean> {
  const acked = (await config.stations.request('status', 'status'))['acked'] as number;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const counts = await config.consumer.request('counts', 'counts');
    if ((counts['processed'] as number) - (counts['duplicates'] as number) + (counts['gaps'] as number) >= acked) return true;
    if (Date.now() > until) return false;
    await sleep(withSessions ? 1000 : 250);
  }
}

async function runStep(config: Config, rate: number): Promise<Step> {
  const distributed = isDistributed(config.name);
  const meter = new CpuMeter(new Map([...config.sut, ['stations', config.stations.pid]]));
  const produceStats = async (): Promise<Record<string, number>> => (distributed ? ((await config.gateway.request('stats', 'stats'))['bus'] as Record<string, number>) : {});
  const consumerCounts = async (): Promise<{ distinct: number; accounted: number }> => {
    const counts = await config.consumer.request('counts', 'counts');
    const distinct = (counts['processed'] as number) - (counts['duplicates'] as number);
    return { distinct, accounted: distinct + (counts['gaps'] as number) };
  };

  config.stations.send(`rate ${rate}`);
  await sleep(settleMs);
  const first = await config.stations.request('mark', 'mark');
  const statsFrom = await produceStats();
  const consumedFrom = distributed || withSessions ? await consumerCounts() : undefined;
  const from = meter.snapshot();
  const busyFrom = coreBusyMs();
  await sleep(windowMs);
  const last = await config.stations.request('mark', 'mark');
  const to = meter.snapshot();
  const busyTo = coreBusyMs();
  const consumedAtEnd = distributed || withSessions ? await consumerCounts() : undefined;
  const statsTo = await produceStats();
  const loadavg = loadAverage();
  config.stations.send('rate 0');
  const outstandingAtEnd = await drain(config);

  // Distributed: the consumer may run behind the acknowledgements; let it catch up before the
  // next step (so each step starts clean and nothing outlives the mock's retention), and charge
  // the consumer and the mock with the CPU they spent on this step's messages.
  let consumerLagAtEnd = 0;
  let catchUpS = 0;
  let consumerUsPerMessage = '-';
  if (distributed && consumedFrom && consumedAtEnd) {
    // Under overload the consumer may be ahead of the acknowledgements still on their way: 0 then.
    consumerLagAtEnd = Math.max(0, (last['acked'] as number) - consumedAtEnd.distinct);
    const started = Date.now();
    await caughtUp(config);
    const consumed = await consumerCounts();
    catchUpS = (Date.now() - started) / 1000;
    const caught = meter.snapshot();
    const span = CpuMeter.delta(from, caught).cpuMs;
    const processed = consumed.distinct - consumedFrom.distinct;
    consumerUsPerMessage = `${cpuUsPer(span.get('consumer'), processed)} + mock ${cpuUsPer(span.get('kafka mock'), processed)}`;
  }

  const { wallMs, cpuMs } = CpuMeter.delta(from, to);
  const windowLatency = new LatencyHistogram();
  windowLatency.merge(last['latency'] as Record<string, number>, last['latencyMaxUs'] as number);
  const service = new LatencyHistogram();
  service.merge(last['service'] as Record<string, number>, last['serviceMaxUs'] as number);
  const acked = windowLatency.count;
  const delta = (key: string): number => (last[key] as number) - (first[key] as number);
  const errors = delta('callErrors') + delta('mismatched') + delta('unexpectedCloses') + delta('sendFailures');
  const errorCodes: Record<string, number> = {};
  for (const [code, n] of Object.entries(last['errorCodes'] as Record<string, number>)) {
    const before = (first['errorCodes'] as Record<string, number>)[code] ?? 0;
    if (n > before) errorCodes[code] = n - before;
  }
  const cpuUsPerMessage: Record<string, string> = {};
  let sutMs = 0;
  for (const [name, value] of cpuMs) {
    cpuUsPerMessage[name] = cpuUsPer(value, acked);
    if (name !== 'stations') sutMs += value;
  }
  const busy = (core: string): string => fmt((((busyTo.get(core) ?? NaN) - (busyFrom.get(core) ?? NaN)) / wallMs) * 100, 0);
  const achieved = acked / (wallMs / 1000);
  const processedInWindow = consumedFrom && consumedAtEnd ? (consumedAtEnd.distinct - consumedFrom.distinct) / (wallMs / 1000) : 0;
  const p99us = windowLatency.percentile(0.99);
  const batches = (statsTo['batches'] ?? 0) - (statsFrom['batches'] ?? 0);
  const produced = (statsTo['messages'] ?? 0) - (statsFrom['messages'] ?? 0);
  return {
    config: config.name,
    rate,
    windowS: wallMs / 1000,
    acked,
    achieved,
    p50us: windowLatency.percentile(0.5),
    p99us,
    maxUs: windowLatency.max,
    serviceP50us: service.percentile(0.5),
    serviceP99us: service.percentile(0.99),
    errors,
    errorCodes,
    backlog: last['backlog'] as number,
    outstandingAtEnd,
    cpuUsPerMessage,
    sutUsPerMessage: cpuUsPer(sutMs, acked),
    sutCoreUse: fmt((sutMs / wallMs) * 100, 0),
    loadCoreUse: fmt(((cpuMs.get('stations') ?? NaN) / wallMs) * 100, 0),
    core0Busy: busy(SUT_CPU),
    core1Busy: busy(LOAD_CPU),
    messagesPerProduce: batches > 0 ? fmt(produced / batches, 1) : '-',
    consumerLagAtEnd,
    catchUpS,
    consumerUsPerMessage,
    rowsPerS: withSessions ? processedInWindow * ROWS_PER_MESSAGE : 0,
    loadavg,
    // With the sessions service behind Kafka the station is answered before the database write:
    // a rate is only sustained if the consumer also stored at least 95% of it in the window.
    pass: p99us < P99_LIMIT_US && achieved >= 0.95 * rate && errors === 0 && (!withSessions || !distributed || processedInWindow >= 0.95 * rate),
  };
}

/** Every MeterValues a station got a CALLRESULT for must have reached the consumer. */
async function deliveryCheck(config: Config): Promise<Record<string, number>> {
  // Distributed: the consumer runs behind the acknowledgements; wait until it stops moving.
  let previous = -1;
  let stableSince = Date.now();
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const counts = await config.consumer.request('counts', 'counts');
    const processed = counts['processed'] as number;
    if (processed !== previous) {
      previous = processed;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 3000) break;
    await sleep(500);
  }
  const sent = (await config.stations.request('report', 'report', 30_000))['perStation'] as Record<string, { sent: number; notAcked: number[] }>;
  const seen = (await config.consumer.request('report', 'report', 30_000))['perStation'] as Record<string, { next: number; gaps: number[]; duplicates: number }>;
  let acked = 0;
  let missing = 0;
  let duplicates = 0;
  let processedDistinct = 0;
  for (const [stationId, station] of Object.entries(sent)) {
    const notAcked = new Set(station.notAcked);
    const consumer = seen[stationId] ?? { next: 0, gaps: [], duplicates: 0 };
    const gaps = new Set(consumer.gaps);
    duplicates += consumer.duplicates;
    processedDistinct += consumer.next - consumer.gaps.length;
    for (let seq = 0; seq < station.sent; seq++) {
      if (notAcked.has(seq)) continue;
      acked++;
      if (seq >= consumer.next || gaps.has(seq)) missing++;
    }
  }
  return { acked, consumerDistinct: processedDistinct, ackedButMissing: missing, duplicates };
}

/** The knee: the highest passing rate below the lowest missed one; and that lowest miss. */
function kneeOf(steps: readonly Step[], name: ConfigName): { knee?: Step; missed?: Step } {
  const own = steps.filter((s) => s.config === name);
  const missed = own.filter((s) => !s.pass).sort((a, b) => a.rate - b.rate)[0];
  const knee = own.filter((s) => s.pass && (!missed || s.rate < missed.rate)).sort((a, b) => b.rate - a.rate)[0];
  return { ...(knee ? { knee } : {}), ...(missed ? { missed } : {}) };
}

function print(info: Record<string, string>, configs: Config[], steps: Step[], delivery: Map<ConfigName, Record<string, number>>): void {
  const lines: string[] = [];
  lines.push(
    withSessions
      ? `### Sessions service: MeterValues into the database, distributed (Kafka, PostgreSQL) vs embedded (in-process bus, PGlite), ${fmtInt(stationCount)} stations per configuration`
      : `### Inbound MeterValues: Kafka (distributed) vs embedded, ${fmtInt(stationCount)} stations per configuration`,
  );
  lines.push('');
  lines.push(
    `${info['date']}, ${info['node']}, nproc ${info['nproc']}, ${info['cpu']}, commit ${info['commit']}; system under test on core ${SUT_CPU}, load on core ${LOAD_CPU}; ` +
      `distributed consumer with partitionsConsumedConcurrently ${consumerConcurrency}; settle ${settleMs} ms, window ${windowMs} ms per step`,
  );
  lines.push('');
  lines.push(
    markdownTable(
      ['config', 'target msg/s', 'achieved', 'p50 ms', 'p99 ms', 'max ms', 'service p99 ms', 'errors', 'gateway CPU us/msg', 'SUT CPU us/msg in window (processes)', 'SUT core use', 'core 0 / 1 busy', 'msg per produce', 'consumer lag at end / catch-up s', 'consumer + mock us/msg until caught up', ...(withSessions ? ['meter rows/s written in window'] : []), 'load avg', 'p99 < 1 s'],
      steps.map((s) => [
        s.config,
        fmtInt(s.rate),
        fmtInt(s.achieved),
        ms(s.p50us, 1),
        ms(s.p99us, 1),
        ms(s.maxUs, 0),
        ms(s.serviceP99us, 1),
        s.errors ? `${s.errors} ${JSON.stringify(s.errorCodes)}` : '0',
        s.cpuUsPerMessage['gateway'] ?? s.cpuUsPerMessage['gateway + consumer'] ?? 'n/a',
        `${s.sutUsPerMessage} (${Object.entries(s.cpuUsPerMessage)
          .filter(([name]) => name !== 'stations')
          .map(([name, v]) => `${name} ${v}`)
          .join(', ')})`,
        `${s.sutCoreUse}%`,
        `${s.core0Busy}% / ${s.core1Busy}%`,
        s.messagesPerProduce,
        isDistributed(s.config) ? `${fmtInt(s.consumerLagAtEnd)} / ${fmt(s.catchUpS, 1)}` : '-',
        s.consumerUsPerMessage,
        ...(withSessions ? [fmtInt(s.rowsPerS)] : []),
        s.loadavg,
        s.pass ? 'yes' : 'no',
      ]),
    ),
  );
  lines.push('');
  const knees = new Map<ConfigName, Step | undefined>();
  for (const config of configs) knees.set(config.name, kneeOf(steps, config.name).knee);
  lines.push(
    markdownTable(
      ['config', 'knee (highest rate with p99 < 1 s)', 'p99 there', 'gateway CPU us/msg there', 'SUT CPU us/msg there', 'first rate missed', 'delivery check'],
      configs.map((config) => {
        const knee = knees.get(config.name);
        const { missed } = kneeOf(steps, config.name);
        const check = delivery.get(config.name)!;
        return [
          config.name,
          knee ? `${fmtInt(knee.rate)} msg/s${missed ? '' : ' (never missed: at least this)'}` : 'below the first rate',
          knee ? ms(knee.p99us, 1) : '-',
          knee ? (knee.cpuUsPerMessage['gateway'] ?? knee.cpuUsPerMessage['gateway + consumer'] ?? 'n/a') : '-',
          knee ? knee.sutUsPerMessage : '-',
          missed ? `${fmtInt(missed.rate)} (p99 ${ms(missed.p99us, 0)} ms, achieved ${fmtInt(missed.achieved)}, errors ${missed.errors})` : '-',
          `${fmtInt(check['acked']!)} acknowledged, ${fmtInt(check['consumerDistinct']!)} distinct ${withSessions ? 'stored' : 'at the consumer'}, ${check['ackedButMissing']} acknowledged but missing, ${check['duplicates']} duplicates` +
            (withSessions ? `; ${fmtInt(check['sessions'] ?? 0)} sessions, ${check['energyMismatched'] ?? '?'} with energy not equal to their last register` : ''),
        ];
      }),
    ),
  );
  const d = knees.get('distributed');
  const e = knees.get('embedded');
  if (d && e) lines.push('', `Knee ratio distributed / embedded: ${fmt(d.rate / e.rate, 2)} (${fmtInt(d.rate)} / ${fmtInt(e.rate)} msg/s).`);
  const split = knees.get('distributed-split');
  if (split && e) lines.push('', `Knee ratio distributed-split (gateway alone on its core) / embedded: ${fmt(split.rate / e.rate, 2)}.`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function cleanup(): Promise<void> {
  for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
}

// Interrupted: still give the machine's PostgreSQL its cores back and stop what was started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}

main()
  .then(cleanup)
  .then(
    () => process.exit(0),
    async (error: unknown) => {
      process.stderr.write(`spine-inbound failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      await cleanup();
      process.exit(1);
    },
  );
