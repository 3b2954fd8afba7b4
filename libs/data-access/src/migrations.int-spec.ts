import { createTestDatabase, startPgliteServer, type PgliteServer, type TestDatabase } from '@evcsms/testing';
import type { DataSource } from 'typeorm';
import { openDatabase } from './data-source';
import { MIGRATIONS } from './entities';
import { StationEntity } from './sessions/station.entity';
import { TransactionEntity } from './sessions/transaction.entity';

async function schemaOf(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ table_name: string; column_name: string; data_type: string }> = await dataSource.query(
    `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`,
  );
  return rows.map((row) => `${row.table_name}.${row.column_name}:${row.data_type}`);
}

describe('the schema, on PostgreSQL and on PGlite', () => {
  jest.setTimeout(60_000);
  let postgres: TestDatabase;
  let pglite: PgliteServer;
  let onPostgres: DataSource;
  let onPglite: DataSource;

  beforeAll(async () => {
    [postgres, pglite] = await Promise.all([createTestDatabase(), startPgliteServer()]);
    onPostgres = await openDatabase({ url: postgres.url });
    onPglite = await openDatabase({ url: pglite.url, poolMax: Math.floor(pglite.maxConnections / 2) });
  });

  afterAll(async () => {
    await onPostgres?.destroy();
    await onPglite?.destroy();
    await postgres?.drop();
    await pglite?.stop();
  });

  it('comes out identical from the migrations on both engines', async () => {
    const [a, b] = await Promise.all([schemaOf(onPostgres), schemaOf(onPglite)]);
    expect(a.length).toBeGreaterThan(50);
    expect(b).toEqual(a);
  });

  it('matches the entities exactly (no pending schema change)', async () => {
    for (const dataSource of [onPostgres, onPglite]) {
      const sql = await dataSource.driver.createSchemaBuilder().log();
      expect(sql.upQueries.map((query) => query.query)).toEqual([]);
    }
  });

  it('applies each migration once: reopening finds nothing to run', async () => {
    const again = await openDatabase({ url: postgres.url });
    try {
      expect(await again.showMigrations()).toBe(false);
    } finally {
      await again.destroy();
    }
  });

  it.each(['postgres', 'pglite'] as const)('enforces one row per 1.6 StartTransaction resend on %s', async (engine) => {
    const dataSource = engine === 'postgres' ? onPostgres : onPglite;
    await dataSource.getRepository(StationEntity).insert({ id: `CP-${engine}` });
    const row = {
      stationId: `CP-${engine}`,
      evseId: 1,
      connectorId: 1,
      protocol: 'ocpp1.6',
      ocppTransactionId: '1',
      startKey: 'k1',
      status: 'active' as const,
      startedAt: new Date(),
    };
    await dataSource.getRepository(TransactionEntity).insert(row);
    await expect(dataSource.getRepository(TransactionEntity).insert({ ...row, ocppTransactionId: '2' })).rejects.toMatchObject({ code: '23505' });
  });

  it('rolls every migration back cleanly', async () => {
    const scratch = await createTestDatabase();
    const dataSource = await openDatabase({ url: scratch.url });
    try {
      for (let step = 0; step < MIGRATIONS.length; step += 1) await dataSource.undoLastMigration({ transaction: 'each' });
      const tables: unknown[] = await dataSource.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`);
      expect(tables).toEqual([]);
    } finally {
      await dataSource.destroy();
      await scratch.drop();
    }
  });
});
