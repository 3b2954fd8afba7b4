import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sessions domain's outbox (domain events written in the same transaction as the change
 * they describe, published by a relay) and the running state energy accounting needs.
 */
export class SessionsOutbox1795400000500 implements MigrationInterface {
  name = 'SessionsOutbox1795400000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE domain_event_outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        key text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    // The relay reads only what is still to publish, in id order.
    await db.query(`CREATE INDEX ix_domain_event_outbox_unpublished ON domain_event_outbox (id) WHERE published_at IS NULL`);
    // Energy is kept incrementally: the last register reading applied and when it was taken.
    await db.query(`ALTER TABLE transactions ADD COLUMN register_last_wh bigint`);
    await db.query(`ALTER TABLE transactions ADD COLUMN register_last_at timestamptz`);
    // The authorization status the session was answered with (1.6 StartTransaction, 2.0.1 idToken events).
    await db.query(`ALTER TABLE transactions ADD COLUMN auth_status text`);
    // 2.0.1: triggerReason and chargingState of the last event applied.
    await db.query(`ALTER TABLE transactions ADD COLUMN trigger_reason text`);
    await db.query(`ALTER TABLE transactions ADD COLUMN charging_state text`);
    // 1.6 ConcurrentTx: is this token charging anywhere right now?
    await db.query(`CREATE INDEX ix_transactions_active_token ON transactions (id_token) WHERE status = 'active'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ix_transactions_active_token`);
    for (const column of ['charging_state', 'trigger_reason', 'auth_status', 'register_last_at', 'register_last_wh']) {
      await db.query(`ALTER TABLE transactions DROP COLUMN IF EXISTS ${column}`);
    }
    await db.query(`DROP TABLE IF EXISTS domain_event_outbox`);
  }
}
