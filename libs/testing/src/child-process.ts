// Internal: helper processes (kcat, kafka-mock, pglite-server) that the harness starts.
// Each child gets a stdin pipe that the child watches: when this process exits or dies,
// the pipe closes and the child ends itself, so no orphan outlives a crashed test run.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';

const TAIL_LINES = 40;

export interface ManagedChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** Last lines of stdout and stderr, for error messages. */
  tail(): string;
  /** Waits for a line on stdout or stderr matching `pattern`; rejects if the child exits or the time runs out. */
  waitForLine(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray>;
  /** Adds a listener for every later stdout line. */
  onStdoutLine(listener: (line: string) => void): void;
}

export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function spawnManaged(
  label: string,
  command: string,
  args: string[],
  options: SpawnOptions = {},
): ManagedChild {
  const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stdoutListeners: Array<(line: string) => void> = [];
  const lineWaiters = new Set<(line: string) => void>();
  let running = true;
  let spawnError: Error | undefined;

  const remember = (stream: string, line: string): void => {
    lines.push(`[${label} ${stream}] ${line}`);
    if (lines.length > TAIL_LINES) lines.shift();
    for (const waiter of [...lineWaiters]) waiter(line);
  };
  // Always drain both pipes: a child blocked on a full pipe would hang the test run.
  createInterface({ input: child.stdout }).on('line', (line) => {
    remember('stdout', line);
    for (const listener of stdoutListeners) listener(line);
  });
  createInterface({ input: child.stderr }).on('line', (line) => remember('stderr', line));
  // EPIPE on a child that already exited is not an error worth crashing the run for.
  child.stdin.on('error', () => undefined);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err) => {
      spawnError = err;
      running = false;
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });

  const tail = (): string => (lines.length ? lines.join('\n') : `[${label}] (no output)`);

  return {
    child,
    pid: child.pid ?? -1,
    exited,
    isRunning: () => running,
    tail,
    onStdoutLine: (listener) => {
      stdoutListeners.push(listener);
    },
    waitForLine: (pattern, timeoutMs, what) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const finish = (err: Error | undefined, match?: RegExpMatchArray): void => {
          lineWaiters.delete(onLine);
          clearTimeout(timer);
          if (err) reject(err);
          else resolve(match!);
        };
        const onLine = (line: string): void => {
          const match = line.match(pattern);
          if (match) finish(undefined, match);
        };
        for (const seen of lines) {
          const match = seen.replace(/^\[[^\]]*\] /, '').match(pattern);
          if (match) return resolve(match);
        }
        lineWaiters.add(onLine);
        const timer = setTimeout(
          () => finish(new Error(`${label}: timed out after ${timeoutMs} ms waiting for ${what}.\n${tail()}`)),
          timeoutMs,
        );
        void exited.then(({ code, signal }) => {
          if (!lineWaiters.has(onLine)) return;
          const why = spawnError
            ? `could not be started (${spawnError.message})`
            : `exited (code ${code}, signal ${signal})`;
          finish(new Error(`${label} ${why} before ${what}.\n${tail()}`));
        });
      }),
  };
}

/**
 * Ends a managed child: closes its stdin (the child's cue to shut down cleanly), then
 * SIGTERM after `graceMs`, then SIGKILL. Resolves once it has exited.
 */
export async function stopManaged(managed: ManagedChild, graceMs = 3000): Promise<void> {
  if (!managed.isRunning()) return;
  managed.child.stdin?.end();
  if (await exitsWithin(managed, graceMs)) return;
  managed.child.kill('SIGTERM');
  if (await exitsWithin(managed, graceMs)) return;
  managed.child.kill('SIGKILL');
  await managed.exited;
}

async function exitsWithin(managed: ManagedChild, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = await Promise.race([managed.exited.then(() => true as const), timeout]);
  if (timer) clearTimeout(timer);
  return done;
}
