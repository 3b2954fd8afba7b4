/** Token status as the station keeps it (the 1.6 and 2.0.1 values share these names). */
export type TokenStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx' | 'Unknown' | 'NoCredit' | 'NotAllowedTypeEVSE' | 'NotAtThisLocation' | 'NotAtThisTime';

export interface LocalListEntry {
  readonly idTag: string;
  readonly status: TokenStatus;
}

export type LocalListUpdateResult = 'Accepted' | 'Failed' | 'VersionMismatch';

/**
 * The local authorization list the CSMS sends (SendLocalList) and its version, plus the
 * authorization cache the station fills from Authorize answers (ClearCache empties it).
 */
export class LocalAuthList {
  version = 0;
  private readonly list = new Map<string, TokenStatus>();
  readonly cache = new Map<string, TokenStatus>();

  constructor(private readonly maxLength = 1000) {}

  get size(): number {
    return this.list.size;
  }

  lookup(idTag: string): TokenStatus | undefined {
    return this.list.get(idTag);
  }

  /**
   * Full replaces the list; Differential adds, changes, and removes entries without a status.
   * The version must grow with a differential update, or the station has missed one.
   */
  update(version: number, kind: 'Full' | 'Differential', entries: ReadonlyArray<{ idTag: string; status: TokenStatus | undefined }>): LocalListUpdateResult {
    if (kind === 'Differential' && version <= this.version && this.version !== 0) return 'VersionMismatch';
    const next = kind === 'Full' ? new Map<string, TokenStatus>() : new Map(this.list);
    for (const entry of entries) {
      if (entry.status === undefined) next.delete(entry.idTag);
      else next.set(entry.idTag, entry.status);
    }
    if (next.size > this.maxLength) return 'Failed';
    this.list.clear();
    for (const [idTag, status] of next) this.list.set(idTag, status);
    this.version = version;
    return 'Accepted';
  }
}
