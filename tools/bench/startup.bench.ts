// Start-up of an app from its build (dist/apps/<app>/main.js) against from source
// (`node -r @swc-node/register apps/<app>/src/main.ts`, what `npm start` runs): time from spawn to
// the `{"ready":true` line, CPU of the app process until then and over its first seconds, RSS at
// ready. Runs alternate between the two so drift on a shared machine hits both alike; medians.
//
// node -r @swc-node/register tools/bench/startup.bench.ts [--app csms] [--runs 5] [--window-ms 5000]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { clockTicksPerSecond, cpuTicks, emit, flagInt, flagString, parseFlags, REPO_ROOT, statusKiB } from './bench-lib';

interface Sample {
  readyMs: number;
  cpuToReadyMs: number;
  cpuWindowMs: number;
  rssAtReadyMiB: number;
}

const ticksToMs = (ticks: number): number => (ticks * 1000) / clockTicksPerSecond();

async function startOnce(args: readonly string[], windowMs: number): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'startup-bench-'));
  const began = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: '', DATA_DIR: dataDir, OCPP_PORT: '0', HTTP_PORT: '0', LOG_LEVEL: 'warn', ADMIN_API_KEY: 'startup-bench-admin-key-0123456789' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${args.join(' ')} not ready within 60 s`)), 60_000);
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (!line.startsWith('{"ready":true')) return;
        clearTimeout(timer);
        resolve(performance.now() - began);
      });
    });
    const cpuToReadyMs = ticksToMs(cpuTicks(child.pid!));
    const rssAtReadyMiB = statusKiB(child.pid!, 'VmRSS') / 1024;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, windowMs - (performance.now() - began))));
    return { readyMs, cpuToReadyMs, cpuWindowMs: ticksToMs(cpuTicks(child.pid!)), rssAtReadyMiB };
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const app = flagString(flags, 'app', 'csms');
  const runs = flagInt(flags, 'runs', 5);
  const windowMs = flagInt(flags, 'window-ms', 5000);
  execFileSync(process.execPath, ['tools/build/build-app.mjs', app], { cwd: REPO_ROOT, stdio: 'inherit' });
  const variants = {
    dist: [join(REPO_ROOT, 'dist/apps', app, 'main.js')],
    source: ['-r', '@swc-node/register', join(REPO_ROOT, 'apps', app, 'src/main.ts')],
  };
  const samples: Record<keyof typeof variants, Sample[]> = { dist: [], source: [] };
  for (let run = 0; run < runs; run++) {
    for (const variant of ['dist', 'source'] as const) {
      const sample = await startOnce(variants[variant], windowMs);
      samples[variant].push(sample);
      emit({ event: 'run', app, variant, run, ...sample });
    }
  }
  for (const variant of ['dist', 'source'] as const) {
    const of = (key: keyof Sample): number => Math.round(median(samples[variant].map((sample) => sample[key])));
    emit({ event: 'median', app, variant, runs, windowMs, readyMs: of('readyMs'), cpuToReadyMs: of('cpuToReadyMs'), cpuWindowMs: of('cpuWindowMs'), rssAtReadyMiB: of('rssAtReadyMiB') });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
