import type { DataSource } from 'typeorm';
import { LocalAuthListEntity, LocalAuthListEntryEntity } from '../sessions/id-token.entity';

export interface LocalListEntry {
  readonly idToken: string;
  readonly type: string;
  /** null removes the entry in a differential update */
  readonly status: LocalAuthListEntryEntity['status'] | null;
  readonly groupIdToken: string | null;
  readonly expiresAt: Date | null;
}

export interface LocalList {
  readonly version: number | null;
  readonly entries: LocalAuthListEntryEntity[];
}

export async function getLocalList(db: DataSource, stationId: string): Promise<LocalList> {
  const [list, entries] = await Promise.all([
    db.getRepository(LocalAuthListEntity).findOneBy({ stationId }),
    db.getRepository(LocalAuthListEntryEntity).find({ where: { stationId }, order: { idToken: 'ASC', type: 'ASC' } }),
  ]);
  return { version: list?.version ?? null, entries };
}

/** The version the station reported (GetLocalListVersion); the entries are not known from it. */
export async function recordLocalListVersion(db: DataSource, stationId: string, version: number): Promise<void> {
  await db.getRepository(LocalAuthListEntity).upsert({ stationId, version }, ['stationId']);
}

/**
 * What the station accepted (SendLocalList Accepted), in one transaction: a Full update replaces
 * the entries, a Differential one upserts them and drops those sent without a status; the
 * recorded intent (`updateId`, see recordLocalListIntent) is marked Accepted in the same one.
 */
export async function applyLocalListUpdate(
  db: DataSource,
  stationId: string,
  update: { readonly version: number; readonly updateType: 'Full' | 'Differential'; readonly entries: readonly LocalListEntry[]; readonly updateId?: string },
): Promise<void> {
  await db.transaction(async (manager) => {
    if (update.updateId !== undefined) {
      await manager.query(`UPDATE local_auth_list_updates SET status = 'Accepted', settled_at = now() WHERE id = $1`, [update.updateId]);
    }
    const entries = manager.getRepository(LocalAuthListEntryEntity);
    if (update.updateType === 'Full') await entries.delete({ stationId });
    for (const entry of update.entries) {
      if (entry.status === null) await entries.delete({ stationId, idToken: entry.idToken, type: entry.type });
    }
    const kept = update.entries.filter((entry) => entry.status !== null);
    if (kept.length > 0) {
      await entries.upsert(
        kept.map((entry) => ({ stationId, idToken: entry.idToken, type: entry.type, status: entry.status ?? 'Accepted', groupIdToken: entry.groupIdToken, expiresAt: entry.expiresAt })),
        ['stationId', 'idToken', 'type'],
      );
    }
    await manager.getRepository(LocalAuthListEntity).upsert({ stationId, version: update.version }, ['stationId']);
  });
}
