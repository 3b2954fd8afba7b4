import type { AuthorizationStatus, IdTokenRef, StoredToken } from '../domain/authorization';
import type { Sql } from '../infrastructure/unit-of-work';

/** id_tokens, read-only here (the API manages tokens). */
export class TokenRepository {
  constructor(private readonly sql: Sql) {}

  /** By token (case-insensitive, as both versions define it) and type; a 1.6 idTag (type null) matches any type, ISO14443 first. */
  async find(ref: IdTokenRef): Promise<StoredToken | null> {
    const row = await this.sql.first<{ id_token: string; type: string; status: string; group_id_token: string | null; expires_at: Date | null }>(
      `SELECT id_token, type, status, group_id_token, expires_at FROM id_tokens
        WHERE lower(id_token) = lower($1) AND ($2::text IS NULL OR type = $2)
        ORDER BY (type = 'ISO14443') DESC, type LIMIT 1`,
      [ref.idToken, ref.type],
    );
    if (!row) return null;
    return {
      idToken: row.id_token,
      type: row.type,
      status: row.status as AuthorizationStatus,
      groupIdToken: row.group_id_token,
      expiresAt: row.expires_at,
    };
  }
}
