/**
 * OCPP 1.6 load generator (`ws` client). Opens N connections (subprotocol ocpp1.6, unique station
 * ids) spread over loopback source addresses, then either holds them (`idle`: pings are answered
 * by ws automatically) or keeps exactly one CALL outstanding per connection (`roundtrip`), sending
 * the next one when the reply arrives. Reports JSON lines on stdout.
 *
 *   node -r @swc-node/register tools/bench/load-client.ts --port 9000 --connections 200 \
 *     --mode roundtrip --frame heartbeat --warmup-ms 3000 --duration-ms 10000
 *
 * Flags (or BENCH_<NAME> env):
 *   --host 127.0.0.1 --port <required> --connections 200 --mode idle|roundtrip
 *   --frame heartbeat|metervalues   --strict true (reply id must match the CALL's, and 1 reply in
 *                                   256 is schema-checked; false for raw-uws-echo's fixed reply)
 *   --source-first 2 --source-count <ceil(N/500)>   source addresses 127.0.0.<first>.. (<= 25,000 each)
 *   --id-prefix bench-<pid> --concurrency 200 (handshakes in flight)
 *   --control stdin   commands: start, mark, status, stop (exit when stdin closes); without it the
 *                     run is self-timed: --warmup-ms 3000 --duration-ms 10000 (roundtrip) or
 *                     --hold-ms 30000 (idle), then a `result` line.
 *   --max-runtime-ms 900000   hard stop whatever happens.
 *
 * Events: connected, mark (replies so far, latency histogram since the previous mark), status, result.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import {
  assertLoopback,
  emit,
  exitWhenParentGoes,
  flagBool,
  flagInt,
  flagString,
  LatencyHistogram,
  loopbackAddresses,
  onCommands,
  parseFlags,
  sleep,
} from './bench-lib';
import { callBuilder, validReply, type BenchFrame } from './frames';

const MAX_PER_SOURCE_ADDRESS = 25_000;
const VALIDATE_EVERY = 256;

interface Station {
  readonly id: string;
  socket: WebSocket | undefined;
  seq: number;
  /** Prefix every reply to the outstanding call must start with: [3,"<id>" */
  expected: string;
  sentAt: number;
  outstanding: boolean;
}

const flags = parseFlags(process.argv.slice(2));
const host = flagString(flags, 'host', '127.0.0.1');
assertLoopback(host);
const port = flagInt(flags, 'port', 0);
if (!port) throw new Error('--port is required');
const total = flagInt(flags, 'connections', 200);
const mode = flagString(flags, 'mode', 'roundtrip');
if (mode !== 'idle' && mode !== 'roundtrip') throw new Error('--mode must be idle or roundtrip');
const frame = flagString(flags, 'frame', 'heartbeat') as BenchFrame;
if (frame !== 'heartbeat' && frame !== 'metervalues') throw new Error('--frame must be heartbeat or metervalues');
const strict = flagBool(flags, 'strict', true);
const sourceCount = flagInt(flags, 'source-count', Math.max(1, Math.ceil(total / 500)));
if (Math.ceil(total / sourceCount) > MAX_PER_SOURCE_ADDRESS) throw new Error(`more than ${MAX_PER_SOURCE_ADDRESS} connections per source address`);
const sources = loopbackAddresses(flagInt(flags, 'source-first', 2), sourceCount);
sources.forEach(assertLoopback);
const idPrefix = flagString(flags, 'id-prefix', `bench-${process.pid}`);
const concurrency = flagInt(flags, 'concurrency', 200);
const controlled = flagString(flags, 'control', '') === 'stdin';
const buildCall = callBuilder(frame);

const stations: Station[] = [];
for (let i = 0; i < total; i++) stations.push({ id: `${idPrefix}-${i}`, socket: undefined, seq: 0, expected: '', sentAt: 0, outstanding: false });

// Counters since start, and the latency histogram since the last mark.
const counters = { replies: 0, callErrors: 0, mismatched: 0, invalidPayload: 0, validated: 0, pings: 0, unexpectedCloses: 0, sendFailures: 0 };
const histogram = new LatencyHistogram();
let open = 0;
let running = false;
let stopping = false;
let lastMark = performance.now();

function noMask(): void {
  // ws's default masks each client frame with random bytes; a zero mask is valid (RFC 6455 5.3)
  // and keeps the generator's CPU for sending.
}

function connect(station: Station, source: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://${host}:${port}/ocpp/${station.id}`, 'ocpp1.6', {
      localAddress: source,
      perMessageDeflate: false,
      handshakeTimeout: 20_000,
      skipUTF8Validation: true,
      generateMask: noMask,
    });
    let opened = false;
    socket.on('open', () => {
      if (socket.protocol !== 'ocpp1.6') {
        socket.terminate();
        resolve(false);
        return;
      }
      opened = true;
      open++;
      station.socket = socket;
      resolve(true);
    });
    socket.on('error', () => {
      if (!opened) resolve(false);
    });
    socket.on('ping', () => {
      counters.pings++;
    });
    socket.on('close', () => {
      if (!opened) return;
      open--;
      station.socket = undefined;
      if (!stopping) counters.unexpectedCloses++;
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) reply(station, data);
    });
  });
}

function send(station: Station): void {
  const socket = station.socket;
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  const messageId = (station.seq++).toString(36);
  station.expected = `[3,"${messageId}"`;
  station.outstanding = true;
  station.sentAt = performance.now();
  socket.send(buildCall(messageId), (error) => {
    if (error) counters.sendFailures++;
  });
}

function reply(station: Station, data: Buffer): void {
  const now = performance.now();
  if (!station.outstanding) {
    counters.mismatched++;
    return;
  }
  const text = data.toString('utf8');
  if (text.startsWith('[4,')) counters.callErrors++;
  else if (!text.startsWith('[3,"')) counters.mismatched++;
  else if (strict && !text.startsWith(station.expected)) counters.mismatched++;
  else {
    counters.replies++;
    histogram.record((now - station.sentAt) * 1000);
    if (strict && counters.replies % VALIDATE_EVERY === 1) {
      counters.validated++;
      try {
        const parsed = JSON.parse(text) as unknown[];
        if (parsed.length !== 3 || !validReply(frame, parsed[2])) counters.invalidPayload++;
      } catch {
        counters.invalidPayload++;
      }
    }
  }
  station.outstanding = false;
  if (running) send(station);
}

async function connectAll(): Promise<{ failed: number; retries: number; ms: number }> {
  const started = performance.now();
  let next = 0;
  let failed = 0;
  let retries = 0;
  const worker = async (): Promise<void> => {
    while (next < stations.length) {
      const index = next++;
      const station = stations[index]!;
      const source = sources[index % sources.length]!;
      let ok = false;
      for (let attempt = 0; attempt < 4 && !ok && !stopping; attempt++) {
        if (attempt > 0) {
          retries++;
          await sleep(200 * attempt);
        }
        ok = await connect(station, source);
      }
      if (!ok) failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, stations.length) }, worker));
  return { failed, retries, ms: Math.round(performance.now() - started) };
}

function start(): void {
  if (running || mode !== 'roundtrip') return;
  running = true;
  for (const station of stations) if (!station.outstanding) send(station);
}

interface MarkEvent extends Record<string, unknown> {
  sinceLastMarkMs: number;
  replies: number;
  latency: Record<string, number>;
  latencyMaxUs: number;
}

function mark(): MarkEvent {
  const now = performance.now();
  const event: MarkEvent = {
    event: 'mark',
    at: Date.now(),
    sinceLastMarkMs: now - lastMark,
    open,
    ...counters,
    latency: histogram.toJSON(),
    latencyCount: histogram.count,
    latencyMaxUs: histogram.max,
  };
  histogram.reset();
  lastMark = now;
  return event;
}

async function stop(): Promise<void> {
  if (stopping) return;
  running = false;
  // Let the last calls come back, then close every socket cleanly.
  const deadline = performance.now() + 3_000;
  while (stations.some((s) => s.outstanding && s.socket) && performance.now() < deadline) await sleep(20);
  stopping = true;
  for (const station of stations) station.socket?.close(1000);
  const closeDeadline = performance.now() + 5_000;
  while (open > 0 && performance.now() < closeDeadline) await sleep(50);
  for (const station of stations) station.socket?.terminate();
}

async function main(): Promise<void> {
  const maxRuntime = setTimeout(() => {
    process.stderr.write('load-client: --max-runtime-ms reached, exiting\n');
    process.exit(2);
  }, flagInt(flags, 'max-runtime-ms', 900_000));
  maxRuntime.unref();

  const finish = async (extra: Record<string, unknown> = {}): Promise<never> => {
    await stop();
    emit({ event: 'result', mode, frame, connections: total, ...counters, ...extra });
    process.exit(0);
  };

  if (controlled) {
    exitWhenParentGoes(() => process.exit(0));
    onCommands((command) => {
      if (command === 'start') {
        start();
        emit({ event: 'started', at: Date.now() });
      } else if (command === 'mark') emit(mark());
      else if (command === 'status') emit({ event: 'status', open, ...counters });
      else if (command === 'stop') void finish();
    });
  }
  process.on('SIGTERM', () => void finish());
  process.on('SIGINT', () => void finish());

  const connected = await connectAll();
  emit({ event: 'connected', requested: total, open, ...connected, sources: sources.length });
  if (controlled) return;

  if (mode === 'idle') {
    await sleep(flagInt(flags, 'hold-ms', 30_000));
    await finish({ open });
    return;
  }
  start();
  await sleep(flagInt(flags, 'warmup-ms', 3_000));
  const first = mark();
  const window = flagInt(flags, 'duration-ms', 10_000);
  await sleep(window);
  const last = mark();
  const replies = last.replies - first.replies;
  const measured = new LatencyHistogram();
  measured.merge(last.latency, last.latencyMaxUs);
  await finish({
    windowMs: Math.round(last.sinceLastMarkMs),
    windowReplies: replies,
    messagesPerSecond: Math.round((replies * 1000) / last.sinceLastMarkMs),
    p50us: measured.percentile(0.5),
    p99us: measured.percentile(0.99),
    maxUs: Math.round(measured.max),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`load-client failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
