import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The station event log: what stations report that no service owns yet (security events,
 * firmware / diagnostics / log status, 2.0.1 reports and notifications), kept so nothing a
 * station says is lost.
 */
export class StationEvents1795400000800 implements MigrationInterface {
  name = 'StationEvents1795400000800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE station_events (
        id bigserial PRIMARY KEY,
        station_id text NOT NULL,
        protocol text NOT NULL,
        action text NOT NULL,
        connection_id text NOT NULL,
        message_id text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    // A message is (station, connection, OCPP message id): a redelivered envelope inserts nothing.
    await db.query(`CREATE UNIQUE INDEX uq_station_events_message ON station_events (station_id, connection_id, message_id)`);
    // The API reads one station's log in time order; retention deletes by age.
    await db.query(`CREATE INDEX ix_station_events_station_time ON station_events (station_id, received_at, id)`);
    await db.query(`CREATE INDEX ix_station_events_received_at ON station_events (received_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS station_events`);
  }
}
