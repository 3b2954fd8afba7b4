import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every SendLocalList the API makes, written before the station is called: the version and its
 * entries (Pending), then what came of it (Accepted, Refused with the station's status,
 * Unanswered, Failed). The list the station holds and the CSMS's copy can then always be told
 * apart, whatever the answer or the lack of one.
 */
export class LocalListUpdates1795400000810 implements MigrationInterface {
  name = 'LocalListUpdates1795400000810';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE local_auth_list_updates (
        id uuid PRIMARY KEY,
        station_id text NOT NULL,
        version integer NOT NULL,
        update_type text NOT NULL,
        entries jsonb NOT NULL,
        status text NOT NULL,
        station_status text,
        failure text,
        requested_at timestamptz NOT NULL,
        settled_at timestamptz
      )`);
    await db.query(`CREATE INDEX ix_local_auth_list_updates_station ON local_auth_list_updates (station_id, requested_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS local_auth_list_updates`);
  }
}
