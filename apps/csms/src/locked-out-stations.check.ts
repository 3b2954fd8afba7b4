import type { DataSource } from '@evcsms/data-access';
import type { Logger } from '@evcsms/logging';

/**
 * Stations registered on the fly in embedded mode sit at security profile 0 with no password.
 * With profile 0 turned off they cannot connect any more, and nothing in the API can give them
 * a password unless profile 0 lets them in: say so at start-up, with how many and what to do.
 */
export async function warnAboutLockedOutStations(dataSource: DataSource, allowSecurityProfile0: boolean, logger: Logger): Promise<number> {
  if (allowSecurityProfile0) return 0;
  const [row] = await dataSource.query<Array<{ count: number }>>(
    // Neither a client certificate (profile 3) nor a password for profile 1 or 2, current or pending.
    `SELECT count(*)::int AS count FROM stations
      WHERE deleted_at IS NULL
        AND NOT COALESCE(security_profile = 3 OR pending_security_profile = 3
          OR ((security_profile IN (1, 2) OR pending_security_profile IN (1, 2)) AND (password_hash IS NOT NULL OR pending_password_hash IS NOT NULL)), false)`,
  );
  const count = row?.count ?? 0;
  if (count > 0) {
    logger.warn('stations at security profile 0 cannot connect: OCPP_ALLOW_PROFILE_0 is off and they have no password', {
      count,
      fix: 'give each a password: PATCH /api/v1/stations/{id} {"securityProfile": 1, "password": ...} and the same password on the charger (docs/gateway.md, "Moving stations off profile 0")',
    });
  }
  return count;
}
