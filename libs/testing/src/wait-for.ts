import { inspect } from 'node:util';

export interface WaitForOptions {
  /** What is awaited, for the timeout message ("the consumer to receive 3 messages"). */
  description: string;
  /** Give up after this long (default 10 000 ms). */
  timeoutMs?: number;
  /** Pause between attempts (default 50 ms). */
  intervalMs?: number;
}

export class WaitForTimeoutError extends Error {
  constructor(
    message: string,
    readonly lastError?: unknown,
  ) {
    super(message);
    this.name = 'WaitForTimeoutError';
  }
}

/**
 * Calls `predicate` until it returns a truthy value (which is returned) or the time runs out.
 * A predicate that throws counts as "not yet"; the last error is quoted if time runs out.
 * Throws WaitForTimeoutError naming `description`.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitForOptions): Promise<T> {
  const { description, timeoutMs = 10_000, intervalMs = 50 } = options;
  const started = Date.now();
  const deadline = started + timeoutMs;
  let attempts = 0;
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    attempts += 1;
    try {
      const value = await predicate();
      if (value) return value;
      lastValue = value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, remaining)));
  }
  const last =
    lastError !== undefined
      ? `last attempt threw: ${lastError instanceof Error ? lastError.message : inspect(lastError)}`
      : `last value: ${String(lastValue)}`;
  throw new WaitForTimeoutError(
    `Timed out after ${Date.now() - started} ms (${attempts} attempts) waiting for ${description}; ${last}`,
    lastError,
  );
}
