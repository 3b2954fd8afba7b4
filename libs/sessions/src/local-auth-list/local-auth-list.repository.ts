import type { Sql } from '../infrastructure/unit-of-work';

/** local_auth_lists: the version of the local authorization list each station holds. */
export class LocalAuthListRepository {
  constructor(private readonly sql: Sql) {}

  async versionOf(stationId: string): Promise<number | null> {
    const row = await this.sql.first<{ version: number }>(`SELECT version FROM local_auth_lists WHERE station_id = $1`, [stationId]);
    return row?.version ?? null;
  }

  /** Writes nothing when the version is already the one stored. */
  async record(stationId: string, version: number): Promise<boolean> {
    const changed = await this.sql.execute(
      `INSERT INTO local_auth_lists (station_id, version) VALUES ($1, $2)
       ON CONFLICT (station_id) DO UPDATE SET version = EXCLUDED.version, updated_at = now()
         WHERE local_auth_lists.version IS DISTINCT FROM EXCLUDED.version`,
      [stationId, version],
    );
    return changed > 0;
  }
}
