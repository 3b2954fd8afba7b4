// Kafka for tests: librdkafka's mock cluster, which speaks the real Kafka wire protocol.
//
// - The global setup starts ONE cluster per test run with kcat (Debian package `kcat`) and
//   exports its address in TEST_KAFKA_BROKERS; kafkaBrokers() reads it.
// - startKafkaMockCluster() starts a private, steerable cluster for a test that needs one
//   (set partition counts, take brokers down and up at the same address, add latency). It
//   runs kafka-mock.c, compiled on first use against librdkafka (Debian `librdkafka-dev`).
//
// Limits of the mock (librdkafka 2.0.2 here): topics are auto-created with 4 partitions;
// no CreateTopics/DeleteTopics/DescribeGroups APIs (use KafkaMockCluster.createTopic for
// other partition counts); Metadata up to v2. Shorten kafkajs session/heartbeat timeouts.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findExecutable, spawnManaged, stopManaged, type ManagedChild } from './child-process';
import { ENV, randomSuffix } from './env';

const execFileAsync = promisify(execFile);

/** The line librdkafka's mock prints: "... Mock cluster mockCluster<id> bootstrap.servers=127.0.0.1:PORT[,...]". */
export const BOOTSTRAP_LINE = /bootstrap\.servers=(\S+)/;

/** kafkajs consumer settings that suit the mock cluster and keep tests quick. */
export const KAFKAJS_TEST_CONSUMER_OPTIONS = {
  sessionTimeout: 6000,
  rebalanceTimeout: 6000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 100,
} as const;

/** The brokers of the run's shared mock cluster (started by the global setup). */
export function kafkaBrokers(): string[] {
  const value = process.env[ENV.kafkaBrokers];
  if (!value) {
    throw new Error(
      `${ENV.kafkaBrokers} is not set: the shared Kafka mock cluster is started by the jest global setup ` +
        `(libs/testing/src/global-setup.ts) of the integration and e2e tiers. Run the test through ` +
        `\`npm run test:integration\` / \`npx jest --selectProjects integration ...\`, or set ${ENV.kafkaBrokers} ` +
        `to a reachable Kafka.`,
    );
  }
  return value
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}

/** A topic name no other test uses: `${prefix}-<base36 time>-<random>`. */
export function uniqueTopic(prefix = 'test'): string {
  const safe = prefix.replace(/[^a-zA-Z0-9-]+/g, '-').slice(0, 120) || 'test';
  return `${safe}-${Date.now().toString(36)}-${randomSuffix(6)}`;
}

/** Resolves when every broker accepts a TCP connection; throws naming the first that does not. */
export async function checkKafkaBrokers(brokers: string[], timeoutMs = 3000): Promise<void> {
  if (!brokers.length) throw new Error('checkKafkaBrokers: no brokers given');
  for (const broker of brokers) {
    const colon = broker.lastIndexOf(':');
    const host = broker.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(broker.slice(colon + 1));
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host, port });
      const fail = (why: string): void => {
        socket.destroy();
        reject(new Error(`Kafka broker ${broker} is not reachable (${why}).`));
      };
      socket.setTimeout(timeoutMs, () => fail(`no connection within ${timeoutMs} ms`));
      socket.once('error', (err) => fail(err.message));
      socket.once('connect', () => {
        socket.end();
        resolve();
      });
    });
  }
}

function parseBrokers(match: RegExpMatchArray): string[] {
  return match[1]!.split(',').filter(Boolean);
}

// ---------------------------------------------------------------------------------------
// kcat: the run's shared cluster

export interface KcatMockCluster {
  brokers: string[];
  /** Process id of kcat itself. */
  pid: number;
  stop(): Promise<void>;
}

// sh keeps kcat alive while its own stdin is open; when the parent closes it (stop()) or
// dies, `read` returns and kcat is ended, so no kcat outlives the test run.
const KCAT_WRAPPER = `
kcat "$@" </dev/null >/dev/null &
k=$!
echo "kcat-pid=$k"
trap 'kill -CONT $k 2>/dev/null; kill $k 2>/dev/null; exit 0' INT TERM HUP
read -r _line || true
kill -CONT $k 2>/dev/null
kill $k 2>/dev/null
wait $k
`;

export const KCAT_INSTALL_HINT =
  'Install it with `apt-get update && apt-get install -y kcat` (Debian package kcat; bash .ci/run does this).';

/**
 * Starts librdkafka's mock cluster through kcat:
 *   kcat -b 127.0.0.1:1 -X test.mock.num.brokers=N -d mock -C -t __hold -u -q
 * and reads the "bootstrap.servers=HOST:PORT" line it prints on stderr.
 */
export async function startKcatMockCluster(options: { brokers?: number; startTimeoutMs?: number } = {}): Promise<KcatMockCluster> {
  const kcat = findExecutable('kcat');
  if (!kcat) throw new Error(`kcat is not on the PATH; the Kafka tests need librdkafka's mock cluster. ${KCAT_INSTALL_HINT}`);
  const brokerCount = options.brokers ?? 1;
  const args = ['-b', '127.0.0.1:1', '-X', `test.mock.num.brokers=${brokerCount}`, '-d', 'mock', '-C', '-t', '__hold', '-u', '-q'];
  const managed = spawnManaged('kcat', 'sh', ['-c', KCAT_WRAPPER, 'kcat-mock', ...args]);
  try {
    const [pidMatch, bootstrap] = await Promise.all([
      managed.waitForLine(/^kcat-pid=(\d+)$/, options.startTimeoutMs ?? 15_000, 'the kcat process id'),
      managed.waitForLine(BOOTSTRAP_LINE, options.startTimeoutMs ?? 15_000, 'the mock cluster bootstrap.servers line'),
    ]);
    const brokers = parseBrokers(bootstrap);
    await checkKafkaBrokers(brokers);
    let stopped: Promise<void> | undefined;
    return { brokers, pid: Number(pidMatch[1]), stop: () => (stopped ??= stopManaged(managed)) };
  } catch (err) {
    await stopManaged(managed, 1000);
    throw new Error(`Could not start the Kafka mock cluster with kcat: ${(err as Error).message}`, { cause: err });
  }
}

// ---------------------------------------------------------------------------------------
// kafka-mock.c: private, steerable clusters

export interface KafkaMockCluster {
  brokers: string[];
  /** Broker ids are 1..brokers.length. */
  brokerIds: number[];
  pid: number;
  /** Creates a topic with `partitions` (default: the cluster's `partitions` option, else 4). */
  createTopic(topic: string, partitions?: number): Promise<void>;
  /** Disconnects a broker (default: all) and refuses new connections; data and address are kept. */
  brokerDown(brokerId?: number): Promise<void>;
  /** Lets a broker (default: all) serve again at the same address. */
  brokerUp(brokerId?: number): Promise<void>;
  /** Adds round-trip latency to a broker's responses (-1: all brokers). */
  setRtt(brokerId: number, ms: number): Promise<void>;
  /** Ends the cluster; every client sees connections refused from then on. */
  stop(): Promise<void>;
}

export interface KafkaMockClusterOptions {
  /** Number of brokers (default 1). */
  brokers?: number;
  /** Partition count for `topics` and for createTopic() without a count (default 4, as for auto-created topics). */
  partitions?: number;
  /** Topics to create up front with `partitions` partitions. */
  topics?: string[];
  startTimeoutMs?: number;
}

const KAFKA_MOCK_SOURCE = join(__dirname, 'kafka-mock.c');
export const KAFKA_MOCK_INSTALL_HINT =
  'It is built from libs/testing/src/kafka-mock.c with a C compiler against librdkafka: ' +
  '`apt-get update && apt-get install -y gcc librdkafka-dev` (bash .ci/run does this).';

let binaryPromise: Promise<string> | undefined;

/** Compiles kafka-mock.c once into a cache under the temp directory; returns the binary's path. */
export function ensureKafkaMockBinary(): Promise<string> {
  return (binaryPromise ??= buildKafkaMockBinary().catch((err: unknown) => {
    binaryPromise = undefined;
    throw err;
  }));
}

async function buildKafkaMockBinary(): Promise<string> {
  const source = readFileSync(KAFKA_MOCK_SOURCE);
  const hash = createHash('sha256').update(source).update(process.arch).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'evcsms-testing');
  const binary = join(dir, `kafka-mock-${hash}`);
  if (existsSync(binary)) return binary;
  const cc = findExecutable('cc') ?? findExecutable('gcc');
  if (!cc) throw new Error(`No C compiler (cc/gcc) for the Kafka mock helper. ${KAFKA_MOCK_INSTALL_HINT}`);
  if (!['/usr/include', '/usr/local/include'].some((inc) => existsSync(join(inc, 'librdkafka', 'rdkafka_mock.h')))) {
    throw new Error(`librdkafka's headers (librdkafka/rdkafka_mock.h) are missing. ${KAFKA_MOCK_INSTALL_HINT}`);
  }
  mkdirSync(dir, { recursive: true });
  // Compile under a unique name and rename: concurrent jest workers may build at once.
  const partial = `${binary}.${process.pid}.${randomSuffix(6)}.tmp`;
  try {
    await execFileAsync(cc, ['-O1', '-o', partial, KAFKA_MOCK_SOURCE, '-lrdkafka'], { timeout: 120_000 });
    renameSync(partial, binary);
  } catch (err) {
    rmSync(partial, { force: true });
    const e = err as { stderr?: string; message: string };
    throw new Error(`Building the Kafka mock helper failed: ${e.stderr || e.message}\n${KAFKA_MOCK_INSTALL_HINT}`);
  }
  return binary;
}

/**
 * Starts a private mock cluster for one test (e.g. a Kafka outage test):
 *
 *   const kafka = await startKafkaMockCluster({ partitions: 8, topics: [topic] });
 *   ... await kafka.brokerDown(); ... await kafka.brokerUp(); ...
 *   await kafka.stop();
 */
export async function startKafkaMockCluster(options: KafkaMockClusterOptions = {}): Promise<KafkaMockCluster> {
  const brokerCount = options.brokers ?? 1;
  const defaultPartitions = options.partitions ?? 4;
  const binary = await ensureKafkaMockBinary();
  const managed = spawnManaged('kafka-mock', binary, [String(brokerCount)]);
  let brokers: string[];
  try {
    brokers = parseBrokers(
      await managed.waitForLine(/^bootstrap\.servers=(\S+)$/, options.startTimeoutMs ?? 15_000, 'the bootstrap.servers line'),
    );
  } catch (err) {
    await stopManaged(managed, 1000);
    throw new Error(`Could not start a Kafka mock cluster: ${(err as Error).message}`, { cause: err });
  }
  const command = commandChannel(managed);
  let stopped: Promise<void> | undefined;
  const cluster: KafkaMockCluster = {
    brokers,
    brokerIds: brokers.map((_, index) => index + 1),
    pid: managed.pid,
    createTopic: async (topic, partitions = defaultPartitions) => {
      if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic)) throw new Error(`createTopic: invalid topic name "${topic}"`);
      await command(`topic ${topic} ${partitions} ${Math.min(brokerCount, 3)}`);
    },
    brokerDown: (brokerId = -1) => command(`down ${brokerId}`),
    brokerUp: (brokerId = -1) => command(`up ${brokerId}`),
    setRtt: (brokerId, ms) => command(`rtt ${brokerId} ${ms}`),
    stop: () => (stopped ??= stopManaged(managed)),
  };
  try {
    for (const topic of options.topics ?? []) await cluster.createTopic(topic);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/** One command line out, one answer line ("ok" / "error ...") back, in order. */
function commandChannel(managed: ManagedChild): (line: string) => Promise<void> {
  const pending: Array<{ line: string; resolve: () => void; reject: (err: Error) => void }> = [];
  managed.onStdoutLine((answer) => {
    if (BOOTSTRAP_LINE.test(answer)) return;
    const next = pending.shift();
    if (!next) return;
    if (answer === 'ok') next.resolve();
    else next.reject(new Error(`Kafka mock cluster: "${next.line}" failed: ${answer.replace(/^error /, '')}`));
  });
  void managed.exited.then(() => {
    for (const waiter of pending.splice(0)) waiter.reject(new Error(`Kafka mock cluster exited before answering "${waiter.line}"`));
  });
  return (line) =>
    new Promise<void>((resolve, reject) => {
      if (!managed.isRunning()) {
        reject(new Error(`Kafka mock cluster is not running (command "${line}")`));
        return;
      }
      pending.push({ line, resolve, reject });
      managed.child.stdin!.write(`${line}\n`);
    });
}
