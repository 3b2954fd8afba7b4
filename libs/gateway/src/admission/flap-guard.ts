/**
 * Chargers that reconnect in a tight loop (bad firmware, a flaky modem) are quarantined for a
 * while: refused with 429 and Retry-After before any credential lookup is spent on them.
 */
export interface FlapGuardOptions {
  readonly limit: number;
  readonly windowMs: number;
  readonly quarantineMs: number;
}

export type FlapVerdict = { admitted: true } | { admitted: false; retryAfterSec: number };

export class FlapGuard {
  private readonly attempts = new Map<string, number[]>();
  private readonly quarantinedUntil = new Map<string, number>();

  constructor(private readonly options: FlapGuardOptions) {}

  /** Records an attempt and says whether to let it through. */
  attempt(stationId: string, now = Date.now()): FlapVerdict {
    const until = this.quarantinedUntil.get(stationId);
    if (until !== undefined) {
      if (until > now) return { admitted: false, retryAfterSec: Math.ceil((until - now) / 1000) };
      this.quarantinedUntil.delete(stationId);
    }
    const recent = (this.attempts.get(stationId) ?? []).filter((at) => now - at < this.options.windowMs);
    recent.push(now);
    this.attempts.set(stationId, recent);
    if (recent.length > this.options.limit && this.options.quarantineMs > 0) {
      this.quarantinedUntil.set(stationId, now + this.options.quarantineMs);
      this.attempts.delete(stationId);
      return { admitted: false, retryAfterSec: Math.ceil(this.options.quarantineMs / 1000) };
    }
    return { admitted: true };
  }

  get quarantinedCount(): number {
    return this.quarantinedUntil.size;
  }

  /** Forgets stale history; called from the gateway's periodic sweep. */
  prune(now = Date.now()): void {
    for (const [stationId, until] of this.quarantinedUntil) if (until <= now) this.quarantinedUntil.delete(stationId);
    for (const [stationId, attempts] of this.attempts) {
      if (now - attempts[attempts.length - 1]! >= this.options.windowMs) this.attempts.delete(stationId);
    }
  }
}
