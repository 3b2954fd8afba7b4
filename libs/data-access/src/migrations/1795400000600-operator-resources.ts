import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the operator API manages on stations: reservations numbered by the CSMS, the content of
 * each station's local authorization list, and tokens matched without regard to case (OCPP 1.6
 * and 2.0.1 both define IdToken as case-insensitive).
 */
export class OperatorResources1795400000600 implements MigrationInterface {
  name = 'OperatorResources1795400000600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE id_tokens DROP CONSTRAINT uq_id_tokens_token_type`);
    await db.query(`CREATE UNIQUE INDEX uq_id_tokens_token_type_ci ON id_tokens (lower(id_token), type)`);
    // Both versions carry the reservation id as a 32-bit integer the CSMS chooses.
    await db.query(`CREATE SEQUENCE reservation_id_seq AS integer START 1`);
    await db.query(`
      CREATE TABLE local_auth_list_entries (
        station_id text NOT NULL,
        id_token text NOT NULL,
        type text NOT NULL,
        status text NOT NULL,
        group_id_token text,
        expires_at timestamptz,
        PRIMARY KEY (station_id, id_token, type)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS local_auth_list_entries`);
    await db.query(`DROP SEQUENCE IF EXISTS reservation_id_seq`);
    await db.query(`DROP INDEX IF EXISTS uq_id_tokens_token_type_ci`);
    await db.query(`ALTER TABLE id_tokens ADD CONSTRAINT uq_id_tokens_token_type UNIQUE (id_token, type)`);
  }
}
