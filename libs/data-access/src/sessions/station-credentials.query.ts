import type { DataSource } from 'typeorm';

export interface StationCredentialRow {
  readonly stationId: string;
  readonly securityProfile: 0 | 1 | 2 | 3;
  readonly passwordHash?: string;
  /** A rotated password not yet used by the station; both work until it is. */
  readonly pendingPasswordHash?: string;
  /** An upgrade not yet used by the station; both profiles work until it is. */
  readonly pendingSecurityProfile?: 0 | 1 | 2 | 3;
  /** Deleted stations may not connect, whatever the unknown-station policy. */
  readonly deleted?: true;
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
      const rows: CredentialColumns[] = await this.dataSource.query(
        `SELECT id, security_profile, password_hash, pending_password_hash, pending_security_profile, deleted_at IS NOT NULL AS deleted, vendor, model
           FROM stations WHERE id = ANY($1::text[])`,
        [batch.map(([stationId]) => stationId)],
      );
      const found = new Map(rows.map((row) => [row.id, toCredential(row)]));
      for (const [stationId, waiters] of batch) for (const waiter of waiters) waiter.resolve(found.get(stationId));
    } catch (error) {
      for (const [, waiters] of batch) for (const waiter of waiters) waiter.reject(error);
    }
  }
}

interface CredentialColumns {
  id: string;
  security_profile: number;
  password_hash: string | null;
  pending_password_hash: string | null;
  pending_security_profile: number | null;
  deleted: boolean;
  vendor: string | null;
  model: string | null;
}

const profileOf = (profile: number): 0 | 1 | 2 | 3 => (profile === 0 || profile === 2 || profile === 3 ? profile : 1);

function toCredential(row: CredentialColumns): StationCredentialRow {
  return {
    stationId: row.id,
    securityProfile: profileOf(row.security_profile),
    ...(row.password_hash ? { passwordHash: row.password_hash } : {}),
    ...(row.pending_password_hash ? { pendingPasswordHash: row.pending_password_hash } : {}),
    ...(row.pending_security_profile !== null && row.pending_security_profile > row.security_profile ? { pendingSecurityProfile: profileOf(row.pending_security_profile) } : {}),
    ...(row.deleted ? { deleted: true as const } : {}),
    ...(row.vendor ? { vendor: row.vendor } : {}),
    ...(row.model ? { model: row.model } : {}),
  };
}

/**
 * The station has connected with its pending password or profile: it becomes the current one
 * and the old is dropped. Guarded by the pending value, so a rotation started since is kept.
 */
export async function confirmStationCredential(dataSource: DataSource, stationId: string, confirmed: { passwordHash?: string; securityProfile?: number }): Promise<void> {
  if (confirmed.passwordHash !== undefined) {
    await dataSource.query(
      `UPDATE stations SET password_hash = pending_password_hash, pending_password_hash = NULL, updated_at = now() WHERE id = $1 AND pending_password_hash = $2`,
      [stationId, confirmed.passwordHash],
    );
  }
  if (confirmed.securityProfile !== undefined) {
    await dataSource.query(
      `UPDATE stations SET security_profile = pending_security_profile, pending_security_profile = NULL, updated_at = now() WHERE id = $1 AND pending_security_profile = $2`,
      [stationId, confirmed.securityProfile],
    );
  }
}
