import { openDatabase, type DataSource } from '@evcsms/data-access';
import { createLogger } from '@evcsms/logging';
import { createTestDatabase, type TestDatabase } from '@evcsms/testing';
import { warnAboutLockedOutStations } from './locked-out-stations.check';

describe('stations locked out when profile 0 is turned off', () => {
  jest.setTimeout(30_000);
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url });
    const station = (id: string, profile: number, extra: { password?: string; pendingPassword?: string; pendingProfile?: number; deleted?: boolean } = {}) =>
      dataSource.query(
        `INSERT INTO stations (id, security_profile, password_hash, pending_password_hash, pending_security_profile, deleted_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, profile, extra.password ?? null, extra.pendingPassword ?? null, extra.pendingProfile ?? null, extra.deleted ? new Date() : null],
      );
    // Locked out: registered on the fly, profile 1 without any password, profile 0 with a password but no upgrade.
    await station('LOCK-AUTO-1', 0);
    await station('LOCK-AUTO-2', 0);
    await station('LOCK-P1-NOPASS', 1);
    await station('LOCK-P0-HASH', 0, { password: 'scrypt$x' });
    // Can still connect: a password, a pending upgrade with a password, a certificate; a deleted one does not count.
    await station('OK-P1', 1, { password: 'scrypt$x' });
    await station('OK-UPGRADING', 0, { pendingProfile: 1, pendingPassword: 'scrypt$y' });
    await station('OK-P3', 3);
    await station('GONE', 0, { deleted: true });
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('counts them and logs a warning that says how many and what to do', async () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: (line) => lines.push(line) });
    expect(await warnAboutLockedOutStations(dataSource, false, logger)).toBe(4);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'warn', count: 4, fix: expect.stringContaining('docs/gateway.md') }),
    ]);
  });

  it('says nothing while profile 0 is allowed', async () => {
    const lines: string[] = [];
    expect(await warnAboutLockedOutStations(dataSource, true, createLogger({ sink: (line) => lines.push(line) }))).toBe(0);
    expect(lines).toEqual([]);
  });
});
