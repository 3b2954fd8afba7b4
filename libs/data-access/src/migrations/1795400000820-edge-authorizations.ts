import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Authorize answers a gateway gave itself while the sessions service could not answer (see
 * docs/gateway.md, "Authorize during outages"), next to what the service decides for the same
 * token, so a session started on an edge answer can be told apart and reconciled.
 */
export class EdgeAuthorizations1795400000820 implements MigrationInterface {
  name = 'EdgeAuthorizations1795400000820';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE edge_authorizations (
        id bigserial PRIMARY KEY,
        station_id text NOT NULL,
        connection_id text NOT NULL,
        message_id text NOT NULL,
        protocol text NOT NULL,
        id_token text NOT NULL,
        id_token_type text,
        edge_status text NOT NULL,
        source text NOT NULL,
        reason text NOT NULL,
        decided_at timestamptz NOT NULL,
        learned_at timestamptz,
        service_status text NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    // One row per Authorize (station, connection, message id): a redelivery inserts nothing.
    await db.query(`CREATE UNIQUE INDEX uq_edge_authorizations_message ON edge_authorizations (station_id, connection_id, message_id)`);
    // A session start looks for the station's recent edge answers.
    await db.query(`CREATE INDEX ix_edge_authorizations_station_time ON edge_authorizations (station_id, decided_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS edge_authorizations`);
  }
}
