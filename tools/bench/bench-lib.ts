/**
 * Shared plumbing for the gateway benchmarks: child processes pinned with taskset and always
 * cleaned up, JSON-line control over stdin/stdout, /proc readings and a mergeable latency histogram.
 * Node built-ins only, so every benchmark process can load it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** Compiled copies (bench-build.ts) run from a temporary directory and are told the root. */
export const REPO_ROOT = process.env['BENCH_REPO_ROOT'] ?? resolve(__dirname, '..', '..');
export const BENCH_DIR = __dirname;

// ---------------------------------------------------------------------------------------------
// Command-line flags: --name value or --name=value; --flag alone is "true".

export function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        flags.set(arg.slice(2), next);
        i++;
      } else flags.set(arg.slice(2), 'true');
    }
  }
  return flags;
}

export function flagString(flags: Map<string, string>, name: string, fallback: string): string {
  return flags.get(name) ?? process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
}

export function flagInt(flags: Map<string, string>, name: string, fallback: number): number {
  const text = flagString(flags, name, String(fallback));
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got "${text}"`);
  return Math.trunc(value);
}

export function flagBool(flags: Map<string, string>, name: string, fallback: boolean): boolean {
  const text = flagString(flags, name, String(fallback));
  return /^(1|true|yes|on)$/i.test(text);
}

// ---------------------------------------------------------------------------------------------
// Only loopback: every benchmark connects to 127.0.0.0/8 and nothing else.

export function assertLoopback(host: string): void {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) throw new Error(`benchmarks only use 127.0.0.0/8 addresses, got "${host}"`);
}

/** 127.0.0.<first>.. then 127.0.1.0.. : `count` distinct loopback source addresses. */
export function loopbackAddresses(first: number, count: number): string[] {
  const addresses: string[] = [];
  for (let n = first; n < first + count; n++) {
    const b = Math.floor(n / 256);
    const c = n % 256;
    if (b > 255) throw new Error('too many loopback source addresses');
    addresses.push(`127.0.${b}.${c}`);
  }
  return addresses;
}

// ---------------------------------------------------------------------------------------------
// JSON lines between processes.

export function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

export type BenchEvent = { event: string } & Record<string, unknown>;

/** A child process whose stdout is JSON lines (other lines are kept as `{event: 'text'}`). */
export class BenchChild {
  readonly events: BenchEvent[] = [];
  private readonly waiters: Array<{ match: (e: BenchEvent) => boolean; resolve: (e: BenchEvent) => void }> = [];
  exited = false;
  exitCode: number | null = null;
  private readonly exitWaiters: Array<() => void> = [];
  private stderrTail = '';

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.line(line));
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.stderrTail = (this.stderrTail + text).slice(-4000);
      if (process.env['BENCH_VERBOSE']) process.stderr.write(`[${name}] ${text}`);
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      this.exitCode = code ?? (signal ? 128 : null);
      for (const waiter of this.exitWaiters.splice(0)) waiter();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  send(command: string): void {
    if (!this.exited && this.child.stdin && !this.child.stdin.destroyed) this.child.stdin.write(`${command}\n`);
  }

  /** Resolves with the first event (already seen or future) matching; rejects on timeout or exit. */
  waitFor(match: (e: BenchEvent) => boolean, timeoutMs: number, what: string, fromIndex = 0): Promise<BenchEvent> {
    const seen = this.events.slice(fromIndex).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}\n${this.stderrTail}`));
      }, timeoutMs);
      const onExit = (): void => {
        cleanup();
        reject(new Error(`${this.name}: exited (${this.exitCode}) while waiting for ${what}\n${this.stderrTail}`));
      };
      const waiter = {
        match,
        resolve: (e: BenchEvent) => {
          cleanup();
          resolvePromise(e);
        },
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        const j = this.exitWaiters.indexOf(onExit);
        if (j >= 0) this.exitWaiters.splice(j, 1);
      };
      this.waiters.push(waiter);
      if (this.exited) onExit();
      else this.exitWaiters.push(onExit);
    });
  }

  /** Sends a command and waits for the next event of `reply` type. */
  async request(command: string, reply: string, timeoutMs = 10_000): Promise<BenchEvent> {
    const from = this.events.length;
    this.send(command);
    return this.waitFor((e) => e.event === reply, timeoutMs, `"${reply}" after "${command}"`, from);
  }

  waitExit(timeoutMs: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolvePromise) => {
      const timer = setTimeout(() => resolvePromise(false), timeoutMs);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolvePromise(true);
      });
    });
  }

  /** SIGTERM, then SIGKILL if it does not go within graceMs. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGTERM');
    if (await this.waitExit(graceMs)) return;
    this.child.kill('SIGKILL');
    await this.waitExit(2_000);
  }

  private line(line: string): void {
    let event: BenchEvent;
    if (line.startsWith('{')) {
      try {
        event = JSON.parse(line) as BenchEvent;
      } catch {
        event = { event: 'text', text: line };
      }
    } else event = { event: 'text', text: line };
    this.events.push(event);
    for (const waiter of [...this.waiters]) if (waiter.match(event)) waiter.resolve(event);
  }
}

const children = new Set<BenchChild>();
let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  const killAll = (): void => {
    for (const c of children) if (!c.exited) c.child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (error) => {
    process.stderr.write(`${error.stack ?? String(error)}\n`);
    killAll();
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAll();
    process.exit(1);
  });
}

export interface SpawnOptions {
  /** CPU list for taskset -c, e.g. "0". */
  readonly cpu?: string;
  readonly nodeArgs?: readonly string[];
  readonly env?: Record<string, string>;
  /** Run the compiled copy from bench-build.ts instead of going through @swc-node/register. */
  readonly build?: { jsOf(tsFile: string): string };
}

/**
 * Starts `node -r @swc-node/register tools/bench/<script> args` (or the compiled copy), pinned
 * with taskset when asked.
 */
export function spawnBench(name: string, script: string, args: readonly string[], options: SpawnOptions = {}): BenchChild {
  installCleanup();
  const source = join(BENCH_DIR, script);
  const nodeArgv = options.build
    ? [...(options.nodeArgs ?? []), options.build.jsOf(source), ...args]
    : [...(options.nodeArgs ?? []), '-r', '@swc-node/register', source, ...args];
  const buildEnv: Record<string, string> = options.build
    ? { NODE_PATH: join(REPO_ROOT, 'node_modules'), BENCH_REPO_ROOT: REPO_ROOT }
    : {};
  const [command, argv] = options.cpu !== undefined ? ['taskset', ['-c', options.cpu, process.execPath, ...nodeArgv]] : [process.execPath, nodeArgv];
  const child = spawn(command, argv, {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...buildEnv, ...(options.env ?? {}) },
  });
  const bench = new BenchChild(name, child);
  children.add(bench);
  child.on('exit', () => children.delete(bench));
  return bench;
}

/** Children started with --control stdin exit when their parent goes away (stdin closes). */
export function exitWhenParentGoes(onGone: () => void): void {
  process.stdin.on('end', onGone);
  process.stdin.on('close', onGone);
  process.stdin.resume();
}

/** stdin lines -> handler (the control channel of child processes). */
export function onCommands(handler: (command: string) => void): void {
  createInterface({ input: process.stdin }).on('line', (line) => handler(line.trim()));
}

// ---------------------------------------------------------------------------------------------
// /proc readings.

let clockTicks: number | undefined;

export function clockTicksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return clockTicks;
}

/** utime + stime of every thread of the process, in clock ticks. */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) may contain spaces: split after the closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return Number(fields[11]) + Number(fields[12]);
}

export function statusKiB(pid: number, key: 'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${key} in /proc/${pid}/status`);
  return Number(match[1]);
}

export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return -1;
  }
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

export function machine(): Record<string, string> {
  const sh = (cmd: string, args: string[]): string => {
    try {
      return execFileSync(cmd, args).toString().trim();
    } catch {
      return 'n/a';
    }
  };
  let uwsVersion = 'n/a';
  try {
    uwsVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'uWebSockets.js', 'package.json'), 'utf8')) as { name: string; version: string }).version;
    uwsVersion = `@trufflesuite/uws-js-unofficial@${uwsVersion} (as uWebSockets.js)`;
  } catch {
    // not installed
  }
  let wsVersion = 'n/a';
  try {
    wsVersion = `ws@${(JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'ws', 'package.json'), 'utf8')) as { version: string }).version}`;
  } catch {
    // not installed
  }
  return {
    date: new Date().toISOString(),
    nproc: sh('nproc', []),
    cpu: cpus()[0]?.model ?? 'n/a',
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(freemem() / 2 ** 30).toFixed(1)} GiB free`,
    freeG: sh('free', ['-g']).split('\n')[1]?.replace(/\s+/g, ' ') ?? 'n/a',
    node: process.version,
    uws: uwsVersion,
    ws: wsVersion,
    loadavg: loadAverage(),
    commit: sh('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD']),
    // Uncommitted changes in what the gateway benchmarks run, if any.
    dirty: sh('git', ['-C', REPO_ROOT, 'status', '--porcelain', '--', 'libs/gateway', 'libs/ws-engine', 'libs/ocpp', 'libs/metrics', 'libs/logging'])
      .split('\n')
      .filter(Boolean)
      .join(', '),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}

// ---------------------------------------------------------------------------------------------
// Latency histogram in microseconds: exact below 2048 us, then 1024 sub-buckets per power of two
// (< 0.1 % error); mergeable across processes as sparse {index: count}.

const LINEAR = 2048;
const SUB = 1024;

function bucketOf(us: number): number {
  const v = us < 0 ? 0 : Math.floor(us);
  if (v < LINEAR) return v;
  const shift = 31 - Math.clz32(v) - 10; // v >>> shift lies in [1024, 2048)
  return LINEAR + (shift - 1) * SUB + ((v >>> shift) - SUB);
}

function valueOf(bucket: number): number {
  if (bucket < LINEAR) return bucket;
  const shift = Math.floor((bucket - LINEAR) / SUB) + 1;
  const sub = ((bucket - LINEAR) % SUB) + SUB;
  return sub * 2 ** shift;
}

export class LatencyHistogram {
  private counts = new Map<number, number>();
  count = 0;
  max = 0;

  record(us: number): void {
    const bucket = bucketOf(us);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.count++;
    if (us > this.max) this.max = us;
  }

  reset(): void {
    this.counts = new Map();
    this.count = 0;
    this.max = 0;
  }

  merge(sparse: Record<string, number>, max = 0): void {
    for (const [bucket, count] of Object.entries(sparse)) {
      const b = Number(bucket);
      this.counts.set(b, (this.counts.get(b) ?? 0) + count);
      this.count += count;
    }
    if (max > this.max) this.max = max;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** q in [0, 1]; microseconds. */
  percentile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!;
      if (seen >= rank) return valueOf(bucket);
    }
    return this.max;
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting.

export function fmt(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function fmtInt(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
