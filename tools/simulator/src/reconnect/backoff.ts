export interface BackoffOptions {
  /** Delay before the first retry, before jitter (simulated ms). */
  readonly initialMs: number;
  /** The delay stops doubling here. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 60_000 };

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential, capped, with "equal jitter"
 * (half fixed, half random). The fixed half keeps a flapping station from hammering the CSMS; the
 * random half spreads thousands of stations that lost the same gateway so they do not all come
 * back in the same millisecond.
 */
export function reconnectDelayMs(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
