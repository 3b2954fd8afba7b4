/**
 * OCPP parse + validate cost against plain JSON.parse of the same frames (issue 2; target ratio <= 2.0).
 *
 *   node -r @swc-node/register tools/bench/ocpp-validation.bench.ts
 *
 * Both sides run in the same process, alternating in rounds after a warm-up, and the median round
 * is reported, so frequency scaling and GC pauses hit both alike.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { getValidator, OCPP_EXAMPLE_FRAMES, type OcppVersion, parseFrame, validateCall } from '@evcsms/ocpp';

interface Case {
  name: string;
  version: OcppVersion;
  text: string;
}

const CASES: Case[] = [
  { name: '1.6 BootNotification', version: 'ocpp1.6', text: OCPP_EXAMPLE_FRAMES.bootNotification16 },
  { name: '1.6 MeterValues, 10 sampled values', version: 'ocpp1.6', text: OCPP_EXAMPLE_FRAMES.meterValues16 },
  { name: '2.0.1 TransactionEvent Updated, 10 sampled values', version: 'ocpp2.0.1', text: OCPP_EXAMPLE_FRAMES.transactionEvent201 },
];

const WARM_UP_MS = 1_000;
const ROUND_MS = 100;
const ROUNDS = 21;

/** Results are stored here so the optimiser cannot drop the work. */
const blackhole: unknown[] = [undefined];

function jsonParse(text: string): void {
  blackhole[0] = JSON.parse(text);
}

/** What the gateway does with an inbound CALL: frame it, then check sender and schema. */
function parseAndValidate(text: string, version: OcppVersion): void {
  const parsed = parseFrame(text, version);
  if (!parsed.ok || parsed.frame.type !== 2) throw new Error(`benchmark frame rejected: ${text}`);
  const result = validateCall(version, parsed.frame, { from: 'ChargingStation' });
  if (!result.ok) throw new Error(`benchmark frame invalid: ${result.description}`);
  blackhole[0] = result;
}

/** Iterations that take about ROUND_MS, so timer resolution does not matter. */
function calibrate(run: () => void): number {
  let iterations = 1_000;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) run();
    const elapsed = performance.now() - start;
    if (elapsed > ROUND_MS / 4) return Math.ceil((iterations * ROUND_MS) / elapsed);
    iterations *= 4;
  }
}

function nsPerOp(run: () => void, iterations: number): number {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) run();
  return ((performance.now() - start) * 1e6) / iterations;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function measure(testCase: Case): { baseline: number; ours: number } {
  const baselineRun = () => jsonParse(testCase.text);
  const oursRun = () => parseAndValidate(testCase.text, testCase.version);
  const warmUpEnd = performance.now() + WARM_UP_MS;
  while (performance.now() < warmUpEnd) {
    for (let i = 0; i < 1_000; i++) baselineRun();
    for (let i = 0; i < 1_000; i++) oursRun();
  }
  const baselineIterations = calibrate(baselineRun);
  const oursIterations = calibrate(oursRun);
  const baseline: number[] = [];
  const ours: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    baseline.push(nsPerOp(baselineRun, baselineIterations));
    ours.push(nsPerOp(oursRun, oursIterations));
  }
  return { baseline: median(baseline), ours: median(ours) };
}

function main(): void {
  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as const) getValidator(version).precompile();
  const rows = CASES.map((testCase) => ({ testCase, ...measure(testCase) }));
  const cpu = cpus();
  console.log(`Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${new Date().toISOString()}`);
  console.log('');
  console.log('| frame | bytes | JSON.parse (ns/op) | parseFrame + validateCall (ns/op) | ratio |');
  console.log('|---|---:|---:|---:|---:|');
  for (const { testCase, baseline, ours } of rows) {
    console.log(
      `| ${testCase.name} | ${testCase.text.length} | ${baseline.toFixed(0)} | ${ours.toFixed(0)} | ${(ours / baseline).toFixed(2)} |`,
    );
  }
  const worst = Math.max(...rows.map(({ baseline, ours }) => ours / baseline));
  console.log('');
  console.log(`worst ratio ${worst.toFixed(2)} (target <= 2.00)`);
  if (worst > 2) process.exitCode = 1;
}

main();
