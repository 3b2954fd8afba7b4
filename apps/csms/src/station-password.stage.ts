import type { DataSource } from '@evcsms/data-access';
import { hashPassword } from '@evcsms/gateway';

/**
 * Gives a station a password for Basic auth (security profile 1, or 2 over TLS) as a pending
 * upgrade: until the station connects with the password, whatever let it in before still does
 * (profile 0 while it is allowed); its first connection with the password makes it current.
 * The password is stored scrypt-hashed, as the gateway reads it (libs/gateway/src/auth/password-hash.ts).
 */
export async function stageStationPassword(dataSource: DataSource, stationId: string, password: string, securityProfile: 1 | 2): Promise<void> {
  // OCPP's passwordString: 16-40 characters (1.6 AuthorizationKey: 16-40 hex digits fits too).
  if (password.length < 16 || password.length > 40) throw new Error(`the password must be 16-40 characters, got ${password.length}`);
  const hash = await hashPassword(password);
  const [updated] = await dataSource.query<Array<{ count: number }>>(
    `WITH updated AS (
       UPDATE stations SET pending_password_hash = $2, pending_security_profile = $3, updated_at = now()
        WHERE id = $1 AND deleted_at IS NULL RETURNING id)
     SELECT count(*)::int AS count FROM updated`,
    [stationId, hash, securityProfile],
  );
  if (!updated?.count) throw new Error(`no station ${stationId}`);
}
