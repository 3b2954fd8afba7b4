/**
 * Plumbing shared by the scale-out spine benchmarks (spine-*.ts): the platform's real processes
 * started from source and pinned with taskset, CPU readings of several processes over one window,
 * and an open-loop pacer. Builds on bench-lib.ts (process control, /proc, histograms).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clockTicksPerSecond, cpuTicks, REPO_ROOT, spawnBench, type BenchChild } from './bench-lib';

// ---------------------------------------------------------------------------------------------
// Processes

export interface AppProcess {
  readonly child: BenchChild;
  readonly ready: Record<string, unknown>;
  readonly pid: number;
}

/**
 * Starts one of the platform's processes (e.g. `apps/ocpp-gateway/src/main.ts`) from source the way
 * @evcsms/testing's startProcess does (`node -r @swc-node/register`, LOG_LEVEL=warn), but pinned
 * with taskset and registered with bench-lib's cleanup, so it is killed whenever the benchmark exits.
 * Resolves with its `{"ready":true,...}` line.
 */
export async function startApp(
  name: string,
  entry: string,
  env: Record<string, string>,
  cpu: string | undefined,
  options: { nodeArgs?: readonly string[]; timeoutMs?: number } = {},
): Promise<AppProcess> {
  const child = spawnBench(name, join('..', '..', entry), [], {
    ...(cpu !== undefined ? { cpu } : {}),
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    env: { NODE_OPTIONS: '', TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), LOG_LEVEL: 'warn', ...env },
  });
  const ready = await child.waitFor((event) => event['ready'] === true, options.timeoutMs ?? 90_000, `${name} ready line`);
  return { child, ready, pid: child.pid };
}

/** Pins every thread of a running process (e.g. the Kafka mock cluster) to `cpu`. */
export function pinProcess(pid: number, cpu: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpu, String(pid)], { stdio: 'ignore' });
}

/** Pids of the processes whose /proc/PID/<file> (comm or cmdline) the test accepts. */
function pidsWhere(file: 'comm' | 'cmdline', accept: (text: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (accept(readFileSync(`/proc/${entry}/${file}`, 'utf8'))) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Pids of the processes with this command name (comm), e.g. every `postgres` process. */
export function pidsOfCommand(comm: string): number[] {
  return pidsWhere('comm', (text) => text.trim() === comm);
}

/** Pids whose command line matches, e.g. the simulator's CLI and worker processes. */
export function pidsMatching(pattern: RegExp): number[] {
  return pidsWhere('cmdline', (text) => pattern.test(text));
}

/** Pid of a process by its command name (comm), e.g. the shared redis-server; undefined if none. */
export function pidOfCommand(comm: string): number | undefined {
  return pidsOfCommand(comm)[0];
}

// ---------------------------------------------------------------------------------------------
// CPU of several processes over one window

/** utime+stime readings of named processes; `since()` gives CPU ms per process since the snapshot. */
export class CpuMeter {
  /**
   * A name may stand for several processes, listed again at each snapshot (PostgreSQL's backends
   * come and go with the pool): their CPU is summed over the processes alive at the end, counting
   * the whole life of those born during the window (a backend that ended meanwhile is missed).
   */
  constructor(private readonly pids: ReadonlyMap<string, number | (() => readonly number[])>) {}

  snapshot(): { at: number; ticks: Map<string, Map<number, number>>; groups: Set<string> } {
    const ticks = new Map<string, Map<number, number>>();
    const groups = new Set([...this.pids].filter(([, pid]) => typeof pid !== 'number').map(([name]) => name));
    for (const [name, pid] of this.pids) {
      const perPid = new Map<number, number>();
      for (const one of typeof pid === 'number' ? [pid] : pid()) {
        try {
          perPid.set(one, cpuTicks(one));
        } catch {
          // gone: counts as absent
        }
      }
      ticks.set(name, perPid);
    }
    return { at: performance.now(), ticks, groups };
  }

  /** CPU milliseconds per process between two snapshots, and the wall milliseconds (NaN when a single process is gone). */
  static delta(from: ReturnType<CpuMeter['snapshot']>, to: ReturnType<CpuMeter['snapshot']>): { wallMs: number; cpuMs: Map<string, number> } {
    const msPerTick = 1000 / clockTicksPerSecond();
    const cpuMs = new Map<string, number>();
    for (const [name, perPid] of to.ticks) {
      const before = from.ticks.get(name) ?? new Map<number, number>();
      let sum = 0;
      let matched = 0;
      for (const [pid, ticks] of perPid) {
        const start = before.get(pid) ?? (from.groups.has(name) ? 0 : undefined);
        if (start === undefined) continue;
        sum += ticks - start;
        matched++;
      }
      cpuMs.set(name, matched > 0 ? sum * msPerTick : NaN);
    }
    return { wallMs: to.at - from.at, cpuMs };
  }
}

/**
 * Busy time of each core from /proc/stat (user+nice+system+irq+softirq+steal), in ms: compared
 * with our processes' CPU over the same window it shows how much other work ran on our cores.
 */
export function coreBusyMs(): Map<string, number> {
  const msPerTick = 1000 / clockTicksPerSecond();
  const busy = new Map<string, number>();
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [user, nice, system, , , irq, softirq, steal] = match[2]!.split(/\s+/).map(Number);
    busy.set(match[1]!, (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * msPerTick);
  }
  return busy;
}

// ---------------------------------------------------------------------------------------------
// Open-loop pacing

/**
 * Issues `rate` operations per second from the moment the rate is set, whatever the answers do
 * (open loop). Each operation has a scheduled time (start + n / rate); `issue(scheduledAt)` returns
 * false when it cannot start now (no free station): the operation stays due and is retried on the
 * next tick, still with its original scheduled time, so latency measured from the scheduled time
 * includes any wait (no coordinated omission). Ticks every millisecond.
 */
export class OpenLoopPacer {
  private rate = 0;
  private startedAt = 0;
  private issued = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Operations that could not start on their tick (counted once per operation). */
  deferred = 0;
  private deferredAt = -1;

  constructor(private readonly issue: (scheduledAt: number) => boolean) {}

  setRate(rate: number): void {
    this.rate = Math.max(0, rate);
    this.startedAt = performance.now();
    this.issued = 0;
    this.deferredAt = -1;
    if (this.rate > 0 && !this.timer) this.tick();
    if (this.rate === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  get currentRate(): number {
    return this.rate;
  }

  /** Operations due but not started yet. */
  get backlog(): number {
    if (this.rate === 0) return 0;
    return Math.max(0, Math.floor(((performance.now() - this.startedAt) * this.rate) / 1000) - this.issued);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.rate === 0) return;
    const due = Math.floor(((performance.now() - this.startedAt) * this.rate) / 1000);
    while (this.issued < due) {
      const scheduledAt = this.startedAt + (this.issued * 1000) / this.rate;
      if (!this.issue(scheduledAt)) {
        if (this.deferredAt !== this.issued) {
          this.deferred++;
          this.deferredAt = this.issued;
        }
        break;
      }
      this.issued++;
    }
    this.timer = setTimeout(() => this.tick(), 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** Microseconds -> milliseconds text. */
export function ms(us: number, digits = 1): string {
  return Number.isFinite(us) ? (us / 1000).toFixed(digits) : 'n/a';
}

export function cpuUsPer(cpuMs: number | undefined, operations: number): string {
  if (cpuMs === undefined || !Number.isFinite(cpuMs) || operations <= 0) return 'n/a';
  return ((cpuMs * 1000) / operations).toFixed(0);
}

/**
 * Sessions mode (spine-stations.ts --sessions, spine-node.ts --database-url): MeterValues number
 * n of a station is timestamped SESSIONS_BASE_MS + n seconds, so the database alone tells which
 * messages it holds, and its register reads (n + 1) x SESSIONS_WH_PER_MESSAGE Wh.
 */
export const SESSIONS_BASE_MS = Date.parse('2026-11-22T00:00:00.000Z');
export const SESSIONS_WH_PER_MESSAGE = 10;
