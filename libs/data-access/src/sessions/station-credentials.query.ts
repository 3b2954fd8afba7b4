import type { DataSource } from 'typeorm';

export interface StationCredentialRow {
  readonly stationId: string;
  readonly securityProfile: 0 | 1 | 2 | 3;
  readonly passwordHash?: string;
  readonly vendor?: string;
  readonly model?: string;
}

interface Waiter {
  readonly resolve: (row: StationCredentialRow | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/** Station ids per query: large enough for a storm's turn, small enough for one quick index scan. */
const MAX_IDS_PER_QUERY = 1_000;

/**
 * What the gateway needs to authenticate a station, nothing more. Lookups asked for in the same
 * event-loop turn go to the database as one query: after an outage thousands of stations
 * connect within a second, and one round trip each would queue them behind the pool.
 */
export class StationCredentialLoader {
  private readonly waiting = new Map<string, Waiter[]>();
  private scheduled = false;

  constructor(private readonly dataSource: DataSource) {}

  find(stationId: string): Promise<StationCredentialRow | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(stationId);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(stationId, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = [...this.waiting];
    this.waiting.clear();
    for (let start = 0; start < batch.length; start += MAX_IDS_PER_QUERY) void this.load(batch.slice(start, start + MAX_IDS_PER_QUERY));
  }

  private async load(batch: ReadonlyArray<readonly [string, Waiter[]]>): Promise<void> {
    try {
      const rows: Array<{ id: string; security_profile: number; password_hash: string | null; vendor: string | null; model: string | null }> = await this.dataSource.query(
        `SELECT id, security_profile, password_hash, vendor, model FROM stations WHERE id = ANY($1::text[])`,
        [batch.map(([stationId]) => stationId)],
      );
      const found = new Map(rows.map((row) => [row.id, toCredential(row)]));
      for (const [stationId, waiters] of batch) for (const waiter of waiters) waiter.resolve(found.get(stationId));
    } catch (error) {
      for (const [, waiters] of batch) for (const waiter of waiters) waiter.reject(error);
    }
  }
}

function toCredential(row: { id: string; security_profile: number; password_hash: string | null; vendor: string | null; model: string | null }): StationCredentialRow {
  const profile = row.security_profile;
  return {
    stationId: row.id,
    securityProfile: profile === 0 || profile === 2 || profile === 3 ? profile : 1,
    ...(row.password_hash ? { passwordHash: row.password_hash } : {}),
    ...(row.vendor ? { vendor: row.vendor } : {}),
    ...(row.model ? { model: row.model } : {}),
  };
}
