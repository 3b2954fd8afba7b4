import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sites (what smart charging balances and OCPI publishes as Locations) and stations as managed
 * objects: a site, tags, a pending password and a pending security profile (each kept until the
 * station has connected with it, so a rotation or an upgrade never locks a station out), and a
 * deletion mark (the row stays: sessions and CDRs keep pointing at it).
 */
export class SitesAndStationProvisioning1795400000900 implements MigrationInterface {
  name = 'SitesAndStationProvisioning1795400000900';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sites (
        id text PRIMARY KEY,
        name text NOT NULL,
        time_zone text NOT NULL,
        address jsonb,
        latitude double precision,
        longitude double precision,
        grid_connection jsonb,
        opening_times jsonb,
        operator jsonb,
        parking_type text,
        tags text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`ALTER TABLE stations ADD COLUMN site_id text`);
    await db.query(`ALTER TABLE stations ADD COLUMN tags text[] NOT NULL DEFAULT '{}'`);
    await db.query(`ALTER TABLE stations ADD COLUMN pending_password_hash text`);
    await db.query(`ALTER TABLE stations ADD COLUMN pending_security_profile smallint`);
    await db.query(`ALTER TABLE stations ADD COLUMN deleted_at timestamptz`);
    await db.query(`CREATE INDEX ix_stations_site ON stations (site_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ix_stations_site`);
    for (const column of ['deleted_at', 'pending_security_profile', 'pending_password_hash', 'tags', 'site_id']) {
      await db.query(`ALTER TABLE stations DROP COLUMN IF EXISTS ${column}`);
    }
    await db.query(`DROP TABLE IF EXISTS sites`);
  }
}
