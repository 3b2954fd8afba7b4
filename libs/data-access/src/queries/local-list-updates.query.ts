import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { LocalListEntry } from './local-auth-list.query';

/** Pending until the station answers; Unanswered when it did not (it may hold the version or not). */
export type LocalListUpdateStatus = 'Pending' | 'Accepted' | 'Refused' | 'Unanswered' | 'Failed';

export interface LocalListUpdateRecord {
  readonly id: string;
  readonly version: number;
  readonly updateType: 'Full' | 'Differential';
  readonly status: LocalListUpdateStatus;
  /** The station's own status when it refused (Failed, NotSupported, VersionMismatch). */
  readonly stationStatus: string | null;
  /** Why there is no station status (timeout, CALLERROR, offline). */
  readonly failure: string | null;
  readonly requestedAt: Date;
  readonly settledAt: Date | null;
}

/**
 * The intent, written before the station is called: version, type and the very entries sent. If
 * this write fails nothing is sent; once it succeeded the entries are known to be storable.
 */
export async function recordLocalListIntent(
  db: DataSource,
  stationId: string,
  update: { readonly version: number; readonly updateType: 'Full' | 'Differential'; readonly entries: readonly LocalListEntry[] },
): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO local_auth_list_updates (id, station_id, version, update_type, entries, status, requested_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, 'Pending', now())`,
    [id, stationId, update.version, update.updateType, JSON.stringify(update.entries)],
  );
  return id;
}

/** What came of an update the station did not accept. */
export async function settleLocalListUpdate(
  db: DataSource,
  id: string,
  outcome: { readonly status: Exclude<LocalListUpdateStatus, 'Pending' | 'Accepted'>; readonly stationStatus?: string; readonly failure?: string },
): Promise<void> {
  await db.query(`UPDATE local_auth_list_updates SET status = $2, station_status = $3, failure = $4, settled_at = now() WHERE id = $1`, [
    id,
    outcome.status,
    outcome.stationStatus ?? null,
    outcome.failure ?? null,
  ]);
}

/** The latest update sent to a station, whatever came of it; null when none was. */
export async function lastLocalListUpdate(db: DataSource, stationId: string): Promise<LocalListUpdateRecord | null> {
  type Row = { id: string; version: number; update_type: 'Full' | 'Differential'; status: LocalListUpdateStatus; station_status: string | null; failure: string | null; requested_at: Date; settled_at: Date | null };
  const rows = await db.query<Row[]>(
    `SELECT id, version, update_type, status, station_status, failure, requested_at, settled_at
       FROM local_auth_list_updates WHERE station_id = $1 ORDER BY requested_at DESC, version DESC LIMIT 1`,
    [stationId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    version: row.version,
    updateType: row.update_type,
    status: row.status,
    stationStatus: row.station_status,
    failure: row.failure,
    requestedAt: new Date(row.requested_at),
    settledAt: row.settled_at ? new Date(row.settled_at) : null,
  };
}
