/** A token's status as the owning service last answered it, and when the gateway learned it. */
export interface CachedTokenStatus {
  readonly status: string;
  readonly learnedAt: number;
  /** Epoch ms after which an Accepted token counts as Expired (expiryDate / cacheExpiryDateTime). */
  readonly expiresAt: number | undefined;
}

/**
 * Bounded, least-recently-used: the statuses of the tokens seen in Authorize replies. A Map
 * keeps insertion order, so re-inserting on use makes its first key the least recently used.
 */
export class TokenStatusCache {
  private readonly entries = new Map<string, CachedTokenStatus>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  remember(key: string, entry: CachedTokenStatus): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  lookup(key: string): CachedTokenStatus | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }
}

export type UnknownTokenPolicy = 'accept' | 'reject';

export interface EdgeDecisionRules {
  /** An Accepted status older than this is no longer trusted: the unknown-token policy applies. */
  readonly maxAgeMs: number;
  readonly unknownPolicy: UnknownTokenPolicy;
}

/** How the edge answer was reached: a bounded label set for the counter. */
export type EdgeBasis = 'cached-accepted' | 'cached-refusal' | 'cached-expired' | 'stale' | 'unknown';

export interface EdgeAnswer {
  readonly status: string;
  readonly basis: EdgeBasis;
  readonly entry: CachedTokenStatus | undefined;
}

/**
 * The edge's rules. A refusal the service gave stands at any age (refusing is the safe side);
 * Accepted is trusted only while younger than maxAgeMs and not past the token's own expiry, so
 * a token blocked since is accepted from the cache for at most maxAgeMs. Anything else is the
 * unknown-token policy: Invalid, or Accepted for operators who prefer free charging to refusals.
 */
export function decideAtEdge(entry: CachedTokenStatus | undefined, now: number, rules: EdgeDecisionRules): EdgeAnswer {
  if (entry && entry.status !== 'Accepted') return { status: entry.status, basis: 'cached-refusal', entry };
  if (entry && entry.expiresAt !== undefined && entry.expiresAt <= now) return { status: 'Expired', basis: 'cached-expired', entry };
  if (entry && now - entry.learnedAt <= rules.maxAgeMs) return { status: 'Accepted', basis: 'cached-accepted', entry };
  return { status: rules.unknownPolicy === 'accept' ? 'Accepted' : 'Invalid', basis: entry ? 'stale' : 'unknown', entry };
}
