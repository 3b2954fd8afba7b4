/**
 * Simulated OCPP 1.6 stations for the spine benchmarks (`ws` client). Opens N connections (unique
 * station ids, loopback source addresses 127.0.0.<first>..), then:
 *
 * - answers every CSMS CALL (ClearCache, Reset, ...) at once with [3, id, {"status":"Accepted"}];
 * - on `rate R`, sends MeterValues open-loop at R messages/s spread over the stations, each station
 *   with at most one CALL outstanding (the next free station takes the next message; a message
 *   that finds no free station waits and its latency counts from its scheduled time).
 *
 *   node -r @swc-node/register tools/bench/spine-stations.ts --port 9000 --stations 2000 --control stdin
 *
 * Flags: --host 127.0.0.1 --port <required> --stations 500 --id-prefix spine-<pid>
 *   --source-first 2 --source-count <ceil(N/500)> --concurrency 200 --max-runtime-ms 1800000
 *   --control stdin (commands below; exits when stdin closes)
 * Commands: `rate <R>` (0 stops sending), `mark` (histograms since the previous mark + counters),
 *   `status`, `report` (per station: MeterValues sent and the sequence numbers not acknowledged),
 *   `stop`. Message ids of MeterValues CALLs are the station's sequence number in base 36.
 *
 * --sessions: each station first sends BootNotification and StartTransaction (closed loop, after
 * connecting), and its MeterValues then carry that transaction id, an energy register growing by
 * SESSIONS_WH_PER_MESSAGE and a timestamp that encodes the sequence number (spine-lib.ts).
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { getValidator } from '@evcsms/ocpp';
import {
  assertLoopback,
  emit,
  exitWhenParentGoes,
  flagInt,
  flagString,
  LatencyHistogram,
  loopbackAddresses,
  onCommands,
  parseFlags,
  sleep,
} from './bench-lib';
import { callBuilder, meterValuesPayload } from './frames';
import { OpenLoopPacer, SESSIONS_BASE_MS, SESSIONS_WH_PER_MESSAGE } from './spine-lib';

const flags = parseFlags(process.argv.slice(2));
const host = flagString(flags, 'host', '127.0.0.1');
assertLoopback(host);
const port = flagInt(flags, 'port', 0);
if (!port) throw new Error('--port is required');
const total = flagInt(flags, 'stations', 500);
const sourceCount = flagInt(flags, 'source-count', Math.max(1, Math.ceil(total / 500)));
const sources = loopbackAddresses(flagInt(flags, 'source-first', 2), sourceCount);
sources.forEach(assertLoopback);
const idPrefix = flagString(flags, 'id-prefix', `spine-${process.pid}`);
const concurrency = flagInt(flags, 'concurrency', 200);
/** MeterValues (10 sampled values, checked against the OCA 1.6 schema by frames.ts). */
const buildCall = callBuilder('metervalues');
const withSessions = flags.has('sessions');
const buildSessionCall = sessionMeterValuesBuilder();
const CSMS_REPLY_PAYLOAD = JSON.stringify({ status: 'Accepted' });

interface Station {
  readonly index: number;
  readonly id: string;
  socket: WebSocket | undefined;
  seq: number;
  outstanding: boolean;
  /** Prefixes of the answers to the outstanding CALL. */
  expectResult: string;
  expectError: string;
  scheduledAt: number;
  sentAt: number;
  sent: number;
  /** Sequence numbers answered with a CALLERROR (or not answered when the run stopped). */
  notAcked: number[];
  /** --sessions: the transaction id the CSMS gave this station's StartTransaction. */
  transactionId: number;
}

const stations: Station[] = [];
for (let index = 0; index < total; index++) {
  stations.push({ index, id: `${idPrefix}-${index}`, socket: undefined, seq: 0, outstanding: false, expectResult: '', expectError: '', scheduledAt: 0, sentAt: 0, sent: 0, notAcked: [], transactionId: 0 });
}

const counters = { sent: 0, acked: 0, callErrors: 0, mismatched: 0, csmsCalls: 0, unexpectedCloses: 0, sendFailures: 0, pings: 0 };
const errorCodes: Record<string, number> = {};
/** Latency from the scheduled send time (what an open-loop client sees) and from the actual send. */
const latency = new LatencyHistogram();
const service = new LatencyHistogram();
let open = 0;
let stopping = false;
let lastMark = performance.now();

// Free stations in a ring, oldest-freed first: spreads the messages over all of them.
const ring = new Int32Array(total + 1);
let head = 0;
let tail = 0;
let freeCount = 0;
function pushFree(index: number): void {
  ring[tail] = index;
  tail = (tail + 1) % ring.length;
  freeCount++;
}
function popFree(): number {
  if (freeCount === 0) return -1;
  const index = ring[head]!;
  head = (head + 1) % ring.length;
  freeCount--;
  return index;
}

function noMask(): void {
  // A zero mask is valid (RFC 6455 5.3) and keeps the generator's CPU for sending.
}

const pacer = new OpenLoopPacer((scheduledAt) => {
  for (;;) {
    const index = popFree();
    if (index < 0) return false;
    const station = stations[index]!;
    if (!station.socket || station.socket.readyState !== WebSocket.OPEN) continue; // dropped: never reused
    send(station, scheduledAt);
    return true;
  }
});

function send(station: Station, scheduledAt: number): void {
  const seq = station.seq++;
  const messageId = seq.toString(36);
  station.expectResult = `[3,"${messageId}"`;
  station.expectError = `[4,"${messageId}"`;
  station.outstanding = true;
  station.scheduledAt = scheduledAt;
  station.sentAt = performance.now();
  station.sent++;
  counters.sent++;
  station.socket!.send(withSessions ? buildSessionCall(messageId, seq, station.transactionId) : buildCall(messageId), (error) => {
    if (error) counters.sendFailures++;
  });
}

/** --sessions: the answer awaited by a station's set-up call (BootNotification, StartTransaction). */
const setupWaiters = new Map<Station, (payload: Record<string, unknown>) => void>();

function onMessage(station: Station, text: string): void {
  const setup = setupWaiters.get(station);
  if (setup && text.startsWith('[3,"setup-')) {
    setupWaiters.delete(station);
    setup((JSON.parse(text) as [number, string, Record<string, unknown>])[2]);
    return;
  }
  if (text.startsWith('[2,')) {
    // A CSMS-initiated CALL: answer Accepted at once.
    counters.csmsCalls++;
    const messageId = (JSON.parse(text) as unknown[])[1] as string;
    station.socket?.send(`[3,${JSON.stringify(messageId)},${CSMS_REPLY_PAYLOAD}]`);
    return;
  }
  const now = performance.now();
  if (!station.outstanding) {
    counters.mismatched++;
    return;
  }
  if (text.startsWith(station.expectResult)) {
    counters.acked++;
    latency.record((now - station.scheduledAt) * 1000);
    service.record((now - station.sentAt) * 1000);
  } else if (text.startsWith(station.expectError)) {
    counters.callErrors++;
    const code = String((JSON.parse(text) as unknown[])[2]);
    errorCodes[code] = (errorCodes[code] ?? 0) + 1;
    station.notAcked.push(station.seq - 1);
  } else {
    counters.mismatched++;
    return;
  }
  station.outstanding = false;
  pushFree(station.index);
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
      if (!withSessions) {
        pushFree(station.index);
        resolve(true);
        return;
      }
      startSession(station).then(
        () => {
          pushFree(station.index);
          resolve(true);
        },
        (error: unknown) => {
          process.stderr.write(`spine-stations: ${station.id} could not start a session: ${String(error)}\n`);
          socket.terminate();
          resolve(false);
        },
      );
    });
    socket.on('error', () => {
      if (!opened) resolve(false);
    });
    socket.on('close', () => {
      if (!opened) return;
      open--;
      station.socket = undefined;
      if (station.outstanding) {
        station.outstanding = false;
        station.notAcked.push(station.seq - 1);
      }
      if (!stopping) counters.unexpectedCloses++;
    });
    // ws answers the gateway's keepalive pings itself; counted to show the connections are live.
    socket.on('ping', () => counters.pings++);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) onMessage(station, data.toString('utf8'));
    });
  });
}

function setupCall(station: Station, action: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      setupWaiters.delete(station);
      reject(new Error(`${action} not answered in 30 s`));
    }, 30_000);
    setupWaiters.set(station, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
    station.socket!.send(JSON.stringify([2, `setup-${action}`, action, payload]));
  });
}

async function startSession(station: Station): Promise<void> {
  const boot = await setupCall(station, 'BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'Sessions' });
  if (boot['status'] !== 'Accepted') throw new Error(`BootNotification answered ${JSON.stringify(boot)}`);
  const start = await setupCall(station, 'StartTransaction', { connectorId: 1, idTag: 'BENCH', meterStart: 0, timestamp: new Date(SESSIONS_BASE_MS - 60_000).toISOString() });
  if (typeof start['transactionId'] !== 'number') throw new Error(`StartTransaction answered ${JSON.stringify(start)}`);
  station.transactionId = start['transactionId'];
}

/**
 * MeterValues of a running session, as text: the 10-value frame of frames.ts with this station's
 * transaction id, register and timestamp spliced in (one schema check, on a sample, up front).
 */
function sessionMeterValuesBuilder(): (messageId: string, seq: number, transactionId: number) => string {
  const template = JSON.stringify(meterValuesPayload('__AT__')).replace('"transactionId":184467', '"transactionId":__TX__').replace('"value":"15234.7"', '"value":"__WH__"');
  if (!template.includes('__TX__') || !template.includes('__WH__')) throw new Error('frames.ts MeterValues changed: update the sessions template');
  const build = (messageId: string, seq: number, transactionId: number): string =>
    `[2,"${messageId}","MeterValues",${template
      .replace('__TX__', String(transactionId))
      .replace('__WH__', String((seq + 1) * SESSIONS_WH_PER_MESSAGE))
      .replace('__AT__', new Date(SESSIONS_BASE_MS + seq * 1000).toISOString())}]`;
  const sample = JSON.parse(build('0', 0, 1)) as [number, string, string, Record<string, unknown>];
  const validation = getValidator('ocpp1.6').validateRequest('MeterValues', sample[3]);
  if (!validation.ok) throw new Error(`sessions MeterValues does not validate: ${validation.description}`);
  return build;
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
      let ok = false;
      for (let attempt = 0; attempt < 4 && !ok && !stopping; attempt++) {
        if (attempt > 0) {
          retries++;
          await sleep(200 * attempt);
        }
        ok = await connect(station, sources[index % sources.length]!);
      }
      if (!ok) failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, stations.length) }, worker));
  return { failed, retries, ms: Math.round(performance.now() - started) };
}

function outstanding(): number {
  let count = 0;
  for (const station of stations) if (station.outstanding) count++;
  return count;
}

function mark(): Record<string, unknown> {
  const now = performance.now();
  const event = {
    event: 'mark',
    sinceLastMarkMs: now - lastMark,
    open,
    ...counters,
    errorCodes: { ...errorCodes },
    outstanding: outstanding(),
    backlog: pacer.backlog,
    deferred: pacer.deferred,
    latency: latency.toJSON(),
    latencyCount: latency.count,
    latencyMaxUs: latency.max,
    service: service.toJSON(),
    serviceMaxUs: service.max,
  };
  latency.reset();
  service.reset();
  lastMark = now;
  return event;
}

function report(): Record<string, unknown> {
  const perStation: Record<string, { sent: number; notAcked: number[] }> = {};
  for (const station of stations) {
    // A call still outstanding is not acknowledged (yet).
    const notAcked = station.outstanding ? [...station.notAcked, station.seq - 1] : station.notAcked;
    perStation[station.id] = { sent: station.sent, notAcked };
  }
  return { event: 'report', perStation };
}

async function stop(): Promise<void> {
  if (stopping) return;
  pacer.setRate(0);
  stopping = true;
  for (const station of stations) station.socket?.close(1000);
  const deadline = performance.now() + 5_000;
  while (open > 0 && performance.now() < deadline) await sleep(50);
  for (const station of stations) station.socket?.terminate();
}

async function main(): Promise<void> {
  const maxRuntime = setTimeout(() => {
    process.stderr.write('spine-stations: --max-runtime-ms reached, exiting\n');
    process.exit(2);
  }, flagInt(flags, 'max-runtime-ms', 1_800_000));
  maxRuntime.unref();
  exitWhenParentGoes(() => process.exit(0));
  onCommands((command) => {
    const [verb, argument] = command.split(/\s+/);
    if (verb === 'rate') {
      pacer.setRate(Number(argument));
      emit({ event: 'rate', rate: pacer.currentRate });
    } else if (verb === 'mark') emit(mark());
    else if (verb === 'status') emit({ event: 'status', open, outstanding: outstanding(), ...counters });
    else if (verb === 'report') emit(report());
    else if (verb === 'stop') void stop().then(() => emit({ event: 'stopped' }));
  });
  process.on('SIGTERM', () => void stop().then(() => process.exit(0)));
  const connected = await connectAll();
  emit({ event: 'connected', requested: total, open, ...connected, sources: sources.length });
}

main().catch((error: unknown) => {
  process.stderr.write(`spine-stations failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
