import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing: tariff versions (OCPI documents), their assignments, the per-session state billing
 * keeps while a session runs, the events it has applied, and the issued CDRs. Money is bigint
 * minor units beside a currency; documents are jsonb.
 */
export class Billing1795400000700 implements MigrationInterface {
  name = 'Billing1795400000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE tariffs (
        id text NOT NULL,
        version integer NOT NULL,
        currency text NOT NULL,
        document jsonb NOT NULL,
        valid_from timestamptz,
        valid_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (id, version)
      )`);
    await db.query(`CREATE INDEX ix_tariffs_created_at ON tariffs (created_at)`);
    await db.query(`
      CREATE TABLE tariff_assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        scope text NOT NULL,
        station_id text,
        evse_id integer,
        connector_id integer,
        site_id text,
        token_group text,
        tariff_id text NOT NULL,
        valid_from timestamptz,
        valid_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_tariff_assignments_scope CHECK (scope IN ('token-group', 'connector', 'evse', 'station', 'site', 'default'))
      )`);
    await db.query(`CREATE INDEX ix_tariff_assignments_station ON tariff_assignments (station_id)`);
    await db.query(`CREATE INDEX ix_tariff_assignments_tariff ON tariff_assignments (tariff_id)`);
    await db.query(`
      CREATE TABLE billing_sessions (
        session_id uuid PRIMARY KEY,
        station_id text NOT NULL,
        evse_id integer NOT NULL,
        connector_id integer NOT NULL,
        protocol text NOT NULL,
        transaction_id text NOT NULL,
        token_uid text,
        token_group text,
        started_at timestamptz NOT NULL,
        status text NOT NULL,
        tariff_id text,
        tariff_versions jsonb,
        time_zone text NOT NULL,
        currency text,
        live_cost_excl_vat bigint,
        live_cost_incl_vat bigint,
        live_cost_at timestamptz,
        cdr_id uuid,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_billing_sessions_status CHECK (status IN ('active', 'completed', 'unpriced'))
      )`);
    await db.query(`CREATE INDEX ix_billing_sessions_station ON billing_sessions (station_id)`);
    await db.query(`
      CREATE TABLE billing_meter_points (
        session_id uuid NOT NULL,
        at timestamptz NOT NULL,
        energy_wh bigint NOT NULL,
        PRIMARY KEY (session_id, at)
      )`);
    await db.query(`
      CREATE TABLE billing_processed_events (
        event_id uuid PRIMARY KEY,
        session_id uuid NOT NULL,
        event_type text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX ix_billing_processed_events_session ON billing_processed_events (session_id)`);
    await db.query(`
      CREATE TABLE cdrs (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL,
        station_id text NOT NULL,
        record text NOT NULL,
        token_uid text NOT NULL,
        token_group text,
        currency text NOT NULL,
        total_energy_wh bigint NOT NULL,
        total_cost_excl_vat bigint NOT NULL,
        total_cost_incl_vat bigint NOT NULL,
        start_date_time timestamptz NOT NULL,
        end_date_time timestamptz NOT NULL,
        credit_reference_id uuid,
        replaces_cdr_id uuid,
        document jsonb NOT NULL,
        issued_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_cdrs_record CHECK (record IN ('DEBIT', 'CREDIT'))
      )`);
    // Exactly one CDR per finished session: one original debit per session, and each debit is
    // credited at most once and replaced at most once, whoever races to write them.
    await db.query(`CREATE UNIQUE INDEX uq_cdrs_session_original ON cdrs (session_id) WHERE record = 'DEBIT' AND replaces_cdr_id IS NULL`);
    await db.query(`CREATE UNIQUE INDEX uq_cdrs_credit_reference ON cdrs (credit_reference_id) WHERE credit_reference_id IS NOT NULL`);
    await db.query(`CREATE UNIQUE INDEX uq_cdrs_replaces ON cdrs (replaces_cdr_id) WHERE replaces_cdr_id IS NOT NULL`);
    await db.query(`CREATE INDEX ix_cdrs_session ON cdrs (session_id)`);
    await db.query(`CREATE INDEX ix_cdrs_issued_at ON cdrs (issued_at, id)`);
    await db.query(`CREATE INDEX ix_cdrs_station_issued_at ON cdrs (station_id, issued_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['cdrs', 'billing_processed_events', 'billing_meter_points', 'billing_sessions', 'tariff_assignments', 'tariffs']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
