import type { OcppVersion } from '@evcsms/ocpp';

/**
 * The token of an Authorize and the status of its answer, per version. Tokens are
 * case-insensitive in both versions; a 2.0.1 token is also keyed by its type.
 */
export function tokenKeyOf(protocol: OcppVersion, payload: Record<string, unknown>): string | undefined {
  if (protocol === 'ocpp1.6') {
    const idTag = payload['idTag'];
    return typeof idTag === 'string' ? `1.6\u0000${idTag.toLowerCase()}` : undefined;
  }
  const idToken = payload['idToken'] as { idToken?: unknown; type?: unknown } | undefined;
  return typeof idToken?.idToken === 'string' && typeof idToken.type === 'string'
    ? `2.0.1\u0000${idToken.type}\u0000${idToken.idToken.toLowerCase()}`
    : undefined;
}

/** The token itself, for the log's hash. */
export function tokenOf(protocol: OcppVersion, payload: Record<string, unknown>): string {
  const token = protocol === 'ocpp1.6' ? payload['idTag'] : (payload['idToken'] as { idToken?: unknown } | undefined)?.idToken;
  return typeof token === 'string' ? token : '';
}

/** The status an Authorize answer gave, and the token's expiry when it said one. */
export function statusOfAnswer(protocol: OcppVersion, result: Record<string, unknown>): { status: string; expiresAt: number | undefined } | undefined {
  const info = (protocol === 'ocpp1.6' ? result['idTagInfo'] : result['idTokenInfo']) as Record<string, unknown> | undefined;
  const status = info?.['status'];
  if (typeof status !== 'string') return undefined;
  const expiry = info?.[protocol === 'ocpp1.6' ? 'expiryDate' : 'cacheExpiryDateTime'];
  const expiresAt = typeof expiry === 'string' ? Date.parse(expiry) : NaN;
  return { status, expiresAt: Number.isNaN(expiresAt) ? undefined : expiresAt };
}

export function authorizeAnswer(protocol: OcppVersion, status: string): Record<string, unknown> {
  return protocol === 'ocpp1.6' ? { idTagInfo: { status } } : { idTokenInfo: { status } };
}
