/** Authorization as the platform decides it, for both versions. */
export type AuthorizationStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';

/** 2.0.1 IdTokenEnumType; a 1.6 idTag has no type (null: any, preferring ISO14443). */
export const ID_TOKEN_TYPES = ['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'] as const;
export type IdTokenType = (typeof ID_TOKEN_TYPES)[number];

export interface IdTokenRef {
  readonly idToken: string;
  readonly type: IdTokenType | null;
}

export interface AuthorizationDecision {
  readonly status: AuthorizationStatus;
  readonly expiresAt: Date | null;
  readonly groupIdToken: string | null;
  /** The type of the token found (or the type asked for); ISO14443 for an unknown 1.6 idTag. */
  readonly tokenType: string;
  /** For a session start: the gateway accepted this token shortly before, during an outage. */
  readonly acceptedAtEdge?: boolean;
}

/** A token as id_tokens stores it. */
export interface StoredToken {
  readonly idToken: string;
  readonly type: string;
  readonly status: AuthorizationStatus;
  readonly groupIdToken: string | null;
  readonly expiresAt: Date | null;
}

/**
 * The rules: NoAuthorization is always Accepted; unknown is Invalid; a stored status other than
 * Accepted stands; an Accepted token whose expiry has passed (at the time the station's message
 * arrived, so a redelivery decides the same) is Expired; an Accepted token that is charging
 * elsewhere is ConcurrentTx where the caller checks for that (1.6).
 */
export function decideAuthorization(
  asked: IdTokenRef,
  stored: StoredToken | null,
  at: Date,
  chargingElsewhere: boolean,
): AuthorizationDecision {
  if (asked.type === 'NoAuthorization') return { status: 'Accepted', expiresAt: null, groupIdToken: null, tokenType: asked.type };
  if (!stored) return { status: 'Invalid', expiresAt: null, groupIdToken: null, tokenType: asked.type ?? 'ISO14443' };
  const base = { expiresAt: stored.expiresAt, groupIdToken: stored.groupIdToken, tokenType: stored.type };
  if (stored.status !== 'Accepted') return { ...base, status: stored.status };
  if (stored.expiresAt && stored.expiresAt.getTime() <= at.getTime()) return { ...base, status: 'Expired' };
  if (chargingElsewhere) return { ...base, status: 'ConcurrentTx' };
  return { ...base, status: 'Accepted' };
}
