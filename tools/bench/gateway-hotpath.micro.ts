/**
 * Where the gateway's CPU per round trip goes: the pieces of StationConnection's inbound path
 * timed one by one in a tight loop (no sockets), and the whole receive() with the real prom-client
 * metrics against no-op metrics. Run pinned to one core for stable figures:
 *
 *   taskset -c 0 node -r @swc-node/register tools/bench/gateway-hotpath.micro.ts [--iterations 200000]
 *
 * Figures are nanoseconds of CPU time (process.cpuUsage) per operation on this machine; compare them with the server CPU per
 * round trip of gateway-throughput.bench.ts (which adds the socket work: ~12 us for raw uWS).
 */
/* eslint-disable @nx/enforce-module-boundaries -- a benchmark times the gateway's internals */
import { getValidator, parseFrame, serializeCallResult } from '@evcsms/ocpp';
import { NO_EVENTS, type InboundCallOutcome } from '@evcsms/gateway';
import { createMetricsRegistry, type MetricsRegistry } from '@evcsms/metrics';
import { silentLogger } from '@evcsms/logging';
import type { EngineConnection, SendOutcome } from '@evcsms/ws-engine';
import { StationConnection, type ConnectionServices } from '../../libs/gateway/src/connection/station-connection';
import { createGatewayMetrics } from '../../libs/gateway/src/gateway.metrics';
/* eslint-enable @nx/enforce-module-boundaries */
import { flagInt, markdownTable, parseFlags } from './bench-lib';
import { callBuilder } from './frames';

const flags = parseFlags(process.argv.slice(2));
const iterations = flagInt(flags, 'iterations', 200_000);

/** CPU time (user + system) in ns, not wall time: other processes on this core do not count. */
function cpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

function time(fn: (i: number) => unknown, n = iterations): number {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn(i);
  const started = cpuNs();
  for (let i = 0; i < n; i++) fn(i);
  return (cpuNs() - started) / n;
}

/** One round trip per connection at a time, across `count` connections: async handler included. */
async function timeAsync(round: () => void, replies: () => number, perRound: number, rounds: number): Promise<number> {
  const run = async (count: number): Promise<void> => {
    for (let r = 0; r < count; r++) {
      const before = replies();
      round();
      while (replies() - before < perRound) await Promise.resolve();
    }
  };
  await run(Math.min(rounds, 50));
  const started = cpuNs();
  await run(rounds);
  return (cpuNs() - started) / (rounds * perRound);
}

class FakeSocket implements EngineConnection<unknown> {
  sent = 0;
  readonly context = {};
  readonly remoteAddress = '127.0.0.2';
  send(_text: string): SendOutcome {
    this.sent++;
    return 'sent';
  }
  bufferedAmount(): number {
    return 0;
  }
  ping(): void {}
  close(): void {}
  terminate(): void {}
}

const noopMetrics: MetricsRegistry = {
  counter: () => ({ inc: () => undefined, bind: () => ({ inc: () => undefined }) }),
  gauge: () => ({ set: () => undefined, inc: () => undefined, dec: () => undefined }),
  histogram: () => ({ observe: () => undefined }),
  render: () => Promise.resolve(''),
  contentType: 'text/plain',
};

const EMPTY: InboundCallOutcome = { result: {} };

function services(metrics: ConnectionServices['metrics']): ConnectionServices {
  return {
    handler: { handle: () => Promise.resolve(EMPTY) },
    events: NO_EVENTS,
    metrics,
    validatorFor: getValidator,
    limits: { messagesPerSecond: 1e9, messageBurst: 1e9, maxInboundQueue: 20, maxOutboundQueue: 50, callTimeoutMs: 30_000, maxBackpressureBytes: 1 << 20 },
  };
}

function connections(metrics: ConnectionServices['metrics'], count: number): Array<{ connection: StationConnection; socket: FakeSocket }> {
  const shared = services(metrics);
  return Array.from({ length: count }, (_, i) => {
    const socket = new FakeSocket();
    const identity = { connectionId: `c${i}`, stationId: `s${i}`, protocol: 'ocpp1.6' as const, securityProfile: 0 as const, leniency: undefined };
    return { connection: new StationConnection(identity, socket, shared, silentLogger), socket };
  });
}

let lastMs = 0;
let lastIso = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

const bound = { value: 0 };

async function main(): Promise<void> {
  const heartbeat = callBuilder('heartbeat');
  const meterValues = callBuilder('metervalues');
  const hbText = heartbeat('1a2b3c');
  const mvText = meterValues('1a2b3c');
  const hbBytes = new Uint8Array(Buffer.from(hbText)).buffer;
  const mvBytes = new Uint8Array(Buffer.from(mvText)).buffer;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const validator = getValidator('ocpp1.6');
  validator.precompile();
  const mvPayload = JSON.parse(mvText) as [number, string, string, Record<string, unknown>];
  const prom = createGatewayMetrics(createMetricsRegistry({ processMetrics: false }));
  const labelsIn = { action: 'Heartbeat', direction: 'in', type: 'call', outcome: 'accepted' } as const;

  const rows: Array<[string, number]> = [
    ['TextDecoder.decode, Heartbeat frame (uws engine)', time(() => decoder.decode(hbBytes))],
    ['TextDecoder.decode, MeterValues frame (1,423 B)', time(() => decoder.decode(mvBytes))],
    ['parseFrame Heartbeat (JSON.parse + envelope checks)', time(() => parseFrame(hbText, 'ocpp1.6'))],
    ['parseFrame MeterValues', time(() => parseFrame(mvText, 'ocpp1.6'))],
    ['JSON.parse MeterValues alone', time(() => JSON.parse(mvText))],
    ['validateRequest Heartbeat (ajv)', time(() => validator.validateRequest('Heartbeat', {}))],
    ['validateRequest MeterValues (ajv)', time(() => validator.validateRequest('MeterValues', mvPayload[3]))],
    ['validateResponse MeterValues {}', time(() => validator.validateResponse('MeterValues', {}))],
    ['new Date().toISOString()', time(() => new Date().toISOString())],
    ['serializeCallResult Heartbeat reply', time((i) => serializeCallResult(`id${i & 1023}`, { currentTime: '2026-11-22T10:15:00.000Z' }))],
    ['prom-client counter.inc, 4 labels (messages)', time(() => prom.messages.inc(labelsIn))],
    ['prom-client counter.inc, 4 labels, fresh object', time(() => prom.messages.inc({ action: 'Heartbeat', direction: 'out', type: 'result', outcome: 'sent' }))],
    ['prom-client histogram.observe, 2 labels (handlerLatency)', time(() => prom.handlerLatency.observe({ action: 'Heartbeat', outcome: 'result' }, 0))],
    ['process.hrtime.bigint() x2 + Number()', time(() => Number(process.hrtime.bigint() - process.hrtime.bigint()))],
    // Cheaper alternatives, to size the proposed changes.
    ['alt: ISO time cached per millisecond (Date.now() + compare)', time(() => isoNow())],
    ['alt: Heartbeat reply by concatenation (JSON.stringify(id) + cached time)', time((i) => `[3,${JSON.stringify(`id${i & 1023}`)},{"currentTime":"${isoNow()}"}]`)],
    ['alt: pre-bound counter (a number field += 1)', time(() => bound.value++)],
  ];

  for (const [label, registry] of [
    ['prom-client metrics', createMetricsRegistry({ processMetrics: false })],
    ['no-op metrics', noopMetrics],
  ] as const) {
    const metrics = createGatewayMetrics(registry);
    const [one] = connections(metrics, 1);
    let seq = 0;
    rows.push([`StationConnection.receive Heartbeat, ${label} (sync reply)`, time(() => one!.connection.receive(heartbeat((seq++).toString(36))))]);
    const many = connections(metrics, 200);
    const total = (): number => many.reduce((sum, c) => sum + c.socket.sent, 0);
    rows.push([
      `StationConnection.receive MeterValues, ${label} (handler + reply, 200 conns)`,
      await timeAsync(
        () => {
          const id = (seq++).toString(36);
          for (const c of many) c.connection.receive(meterValues(id));
        },
        total,
        many.length,
        Math.max(50, Math.floor(iterations / 400)),
      ),
    ]);
  }

  process.stdout.write(`${markdownTable(['operation', 'ns / op'], rows.map(([label, ns]) => [label, ns.toFixed(0)]))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
