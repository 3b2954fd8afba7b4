/**
 * `npm run simulate -- --stations N ...`: a fleet of simulated chargers against a CSMS, spread
 * over worker processes, with a live one-line progress report and a final summary (also as JSON).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { mergeFleetStats, type FleetStats } from '../fleet/fleet';
import { sliceStations } from '../fleet/fleet-plan';
import { GroundTruthLog, totalsOf, type SessionRecord } from '../ground-truth/ground-truth.log';
import { CliUsageError, parseSimulateArgs, type SimulateArgs } from './cli-args';
import { progressLine, summaryOf } from './progress-line';
import { provisionTokens } from './token-provisioning';
import type { FromWorker, ToWorker } from './worker-protocol';

const STOP_GRACE_MS = 60_000;

interface Worker {
  readonly child: ChildProcess;
  stats: FleetStats | undefined;
  stopped: boolean;
}

async function main(): Promise<void> {
  let args: SimulateArgs;
  try {
    args = parseSimulateArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (args.apiUrl) process.stderr.write(`registered ${await provisionTokens(args)} new tokens with ${args.apiUrl}\n`);

  const groundTruth = args.groundTruth ? new GroundTruthLog({ file: args.groundTruth }) : undefined;
  const sessions: SessionRecord[] = [];
  const slices = sliceStations(args.stations, args.workers);
  const startedAt = Date.now();
  const workers: Worker[] = slices.map((slice) => {
    // The worker runs TypeScript the same way this process does (node -r @swc-node/register).
    const child = fork(join(__dirname, 'simulate.worker.ts'), [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker: Worker = { child, stats: undefined, stopped: false };
    child.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'stats':
          worker.stats = message.stats;
          return;
        case 'session':
          sessions.push(message.record);
          groundTruth?.add(message.record);
          return;
        case 'stopped':
          worker.stats = message.stats;
          worker.stopped = true;
          return;
        case 'failed':
          process.stderr.write(`\nworker ${child.pid}: ${message.message}\n`);
          return;
      }
    });
    child.on('exit', () => (worker.stopped = true));
    child.send({ type: 'start', args, start: slice.start, end: slice.end } satisfies ToWorker);
    return worker;
  });

  const peak = { connected: 0, accepted: 0, activeSessions: 0 };
  let lastFrames = 0;
  let lastAt = Date.now();
  const tty = process.stderr.isTTY;
  let lastPrinted = 0;
  const render = (final = false): void => {
    const merged = mergeFleetStats(workers.map((w) => w.stats).filter((s): s is FleetStats => s !== undefined));
    const now = Date.now();
    const rate = ((merged.frames - lastFrames) * 1000) / Math.max(1, now - lastAt);
    lastFrames = merged.frames;
    lastAt = now;
    if (!final) {
      peak.connected = Math.max(peak.connected, merged.connected);
      peak.accepted = Math.max(peak.accepted, merged.accepted);
      peak.activeSessions = merged.activeSessions;
    }
    const line = progressLine((now - startedAt) / 1000, merged, merged.latency, rate);
    // On a terminal the line is redrawn in place; in a log, one line every 5 s.
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (final || now - lastPrinted >= 5_000) {
      process.stderr.write(`${line}\n`);
      lastPrinted = now;
    }
  };
  const ticker = setInterval(render, 1_000);

  const stopAll = async (): Promise<void> => {
    clearInterval(ticker);
    render();
    for (const worker of workers) if (worker.child.connected) worker.child.send({ type: 'stop' } satisfies ToWorker);
    const deadline = Date.now() + STOP_GRACE_MS;
    while (workers.some((w) => !w.stopped) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const worker of workers) if (!worker.stopped) worker.child.kill('SIGKILL');
  };
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
  });
  const runUntil = startedAt + args.durationS * 1000;
  while (Date.now() < runUntil && !interrupted) await new Promise((resolve) => setTimeout(resolve, 200));
  const runSeconds = (Date.now() - startedAt) / 1000;
  await stopAll();

  const merged = mergeFleetStats(workers.map((w) => w.stats).filter((s): s is FleetStats => s !== undefined));
  if (tty) process.stderr.write('\n');
  for (const [stationId, total] of totalsOf(sessions)) {
    groundTruth?.add({ type: 'station-totals', stationId, protocol: total.protocol, sessions: total.sessions, energyWh: total.energyWh });
  }
  await groundTruth?.close();
  const summary = summaryOf(runSeconds, workers.length, peak, merged, merged.latency);
  process.stdout.write(
    `stations ${summary.stations} over ${summary.workers} worker(s) for ${summary.durationS}s: peak connected ${summary.connected}, accepted ${summary.accepted}; ` +
      `sessions finished ${summary.sessionsFinished} (${summary.energyWh} Wh), active at end ${summary.sessionsActiveAtEnd}; ` +
      `calls ${summary.callsSent} (errors ${summary.callErrors}, timeouts ${summary.callTimeouts}), ${summary.messagesPerS} msg/s avg; ` +
      `latency p50 ${summary.latencyP50Ms} ms p99 ${summary.latencyP99Ms} ms; violations ${summary.violations}\n`,
  );
  process.stdout.write(`${JSON.stringify({ summary, violations: merged.violations })}\n`);
  process.exitCode = summary.violations > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`simulate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
