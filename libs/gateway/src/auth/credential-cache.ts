import type { CredentialConfirmation, StationCredential, StationCredentialStore } from '../gateway.ports';

/**
 * A short-lived read-through cache in front of the credential store, negative answers included,
 * with concurrent lookups for one station folded into a single store read.
 */
export class CachedCredentialStore implements StationCredentialStore {
  private readonly entries = new Map<string, { value: StationCredential | undefined; expires: number }>();
  private readonly inFlight = new Map<string, Promise<StationCredential | undefined>>();

  constructor(
    private readonly store: StationCredentialStore,
    private readonly ttlMs: number,
    private readonly maxEntries = 200_000,
  ) {}

  find(stationId: string): Promise<StationCredential | undefined> {
    const now = Date.now();
    const cached = this.entries.get(stationId);
    if (cached && cached.expires > now) return Promise.resolve(cached.value);
    const pending = this.inFlight.get(stationId);
    if (pending) return pending;
    const lookup = this.store.find(stationId).then(
      (value) => {
        this.inFlight.delete(stationId);
        if (this.ttlMs > 0) {
          if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
          this.entries.set(stationId, { value, expires: Date.now() + this.ttlMs });
        }
        return value;
      },
      (error: unknown) => {
        this.inFlight.delete(stationId);
        throw error;
      },
    );
    this.inFlight.set(stationId, lookup);
    return lookup;
  }

  /** Called when credentials change, so a new password works at once. */
  invalidate(stationId: string): void {
    this.entries.delete(stationId);
  }

  async confirm(stationId: string, confirmed: CredentialConfirmation): Promise<void> {
    try {
      await this.store.confirm?.(stationId, confirmed);
    } finally {
      this.invalidate(stationId);
    }
  }
}

/** An in-memory store: tests, and the embedded mode before the database lands. */
export class InMemoryCredentialStore implements StationCredentialStore {
  private readonly credentials = new Map<string, StationCredential>();

  put(credential: StationCredential): void {
    this.credentials.set(credential.stationId, credential);
  }

  find(stationId: string): Promise<StationCredential | undefined> {
    return Promise.resolve(this.credentials.get(stationId));
  }

  confirm(stationId: string, confirmed: CredentialConfirmation): Promise<void> {
    const current = this.credentials.get(stationId);
    if (!current) return Promise.resolve();
    const { pendingPasswordHash, pendingSecurityProfile, ...rest } = current;
    const passwordConfirmed = confirmed.passwordHash !== undefined && confirmed.passwordHash === pendingPasswordHash;
    const profileConfirmed = confirmed.securityProfile !== undefined && confirmed.securityProfile === pendingSecurityProfile;
    this.credentials.set(stationId, {
      ...rest,
      ...(passwordConfirmed ? { passwordHash: pendingPasswordHash } : pendingPasswordHash ? { pendingPasswordHash } : {}),
      ...(profileConfirmed ? { securityProfile: pendingSecurityProfile } : pendingSecurityProfile !== undefined ? { pendingSecurityProfile } : {}),
    });
    return Promise.resolve();
  }
}
