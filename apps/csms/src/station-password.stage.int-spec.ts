import { openDatabase, type DataSource } from '@evcsms/data-access';
import { verifyPassword } from '@evcsms/gateway';
import { createTestDatabase, type TestDatabase } from '@evcsms/testing';
import { stageStationPassword } from './station-password.stage';

describe('staging a password for a station registered at profile 0', () => {
  jest.setTimeout(30_000);
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url });
    await dataSource.query(`INSERT INTO stations (id, security_profile) VALUES ('P0-AUTO', 0)`);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('stores it scrypt-hashed as a pending profile 1 upgrade the gateway can verify', async () => {
    await stageStationPassword(dataSource, 'P0-AUTO', 'Sixteen-chars-pw1', 1);
    const [row] = await dataSource.query<Array<{ security_profile: number; pending_security_profile: number; pending_password_hash: string }>>(
      `SELECT security_profile, pending_security_profile, pending_password_hash FROM stations WHERE id = 'P0-AUTO'`,
    );
    expect(row).toMatchObject({ security_profile: 0, pending_security_profile: 1 });
    expect(row!.pending_password_hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('Sixteen-chars-pw1', row!.pending_password_hash)).toBe(true);
    expect(await verifyPassword('another-password-1', row!.pending_password_hash)).toBe(false);
  });

  it('refuses an unknown station and a password OCPP does not allow', async () => {
    await expect(stageStationPassword(dataSource, 'NOT-THERE', 'Sixteen-chars-pw1', 1)).rejects.toThrow('no station NOT-THERE');
    await expect(stageStationPassword(dataSource, 'P0-AUTO', 'short', 1)).rejects.toThrow('16-40 characters');
  });
});
