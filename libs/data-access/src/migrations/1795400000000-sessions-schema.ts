import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Stations, connectors, tokens, transactions, meter values, reservations. */
export class SessionsSchema1795400000000 implements MigrationInterface {
  name = 'SessionsSchema1795400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE stations (
        id text PRIMARY KEY,
        protocol text,
        vendor text,
        model text,
        serial_number text,
        firmware_version text,
        iccid text,
        imsi text,
        meter_type text,
        meter_serial_number text,
        security_profile smallint NOT NULL DEFAULT 1,
        password_hash text,
        boot_policy text NOT NULL DEFAULT 'Accepted',
        heartbeat_interval_sec integer,
        registration_status text,
        last_boot_at timestamptz,
        last_seen_at timestamptz,
        online boolean NOT NULL DEFAULT false,
        connection_id text,
        gateway_pod text,
        presence_at timestamptz,
        offline_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_stations_boot_policy CHECK (boot_policy IN ('Accepted', 'Pending', 'Rejected'))
      )`);
    await db.query(`
      CREATE TABLE connectors (
        station_id text NOT NULL,
        evse_id integer NOT NULL,
        connector_id integer NOT NULL,
        status text NOT NULL,
        ocpp_status text NOT NULL,
        error_code text,
        status_at timestamptz NOT NULL,
        PRIMARY KEY (station_id, evse_id, connector_id)
      )`);
    await db.query(`
      CREATE TABLE connector_status_events (
        id bigserial PRIMARY KEY,
        station_id text NOT NULL,
        evse_id integer NOT NULL,
        connector_id integer NOT NULL,
        status text NOT NULL,
        ocpp_status text NOT NULL,
        error_code text,
        detail jsonb,
        at timestamptz NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE UNIQUE INDEX uq_connector_status_events ON connector_status_events (station_id, evse_id, connector_id, at, ocpp_status)`);
    await db.query(`
      CREATE TABLE id_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        id_token text NOT NULL,
        type text NOT NULL,
        status text NOT NULL,
        group_id_token text,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_id_tokens_token_type UNIQUE (id_token, type),
        CONSTRAINT ck_id_tokens_status CHECK (status IN ('Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx'))
      )`);
    await db.query(`
      CREATE TABLE local_auth_lists (
        station_id text PRIMARY KEY,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // 1.6 transactionIds are 32-bit integers the CSMS hands out.
    await db.query(`CREATE SEQUENCE ocpp16_transaction_id_seq AS integer START 1 CYCLE`);
    await db.query(`
      CREATE TABLE transactions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        station_id text NOT NULL,
        evse_id integer NOT NULL,
        connector_id integer NOT NULL,
        protocol text NOT NULL,
        ocpp_transaction_id text NOT NULL,
        start_key text,
        id_token text,
        id_token_type text,
        status text NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        meter_start_wh bigint,
        meter_stop_wh bigint,
        energy_wh bigint NOT NULL DEFAULT 0,
        stop_reason text,
        flags text[] NOT NULL DEFAULT '{}',
        last_seq_no integer,
        reservation_id integer,
        remote_start_id integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_transactions_station_ocpp_id UNIQUE (station_id, ocpp_transaction_id),
        CONSTRAINT uq_transactions_station_start_key UNIQUE (station_id, start_key),
        CONSTRAINT ck_transactions_status CHECK (status IN ('active', 'completed'))
      )`);
    await db.query(`CREATE INDEX ix_transactions_station_status ON transactions (station_id, status)`);
    await db.query(`CREATE INDEX ix_transactions_started_at ON transactions (started_at)`);
    await db.query(`
      CREATE TABLE meter_values (
        id bigserial PRIMARY KEY,
        transaction_id uuid,
        station_id text NOT NULL,
        evse_id integer NOT NULL,
        sampled_at timestamptz NOT NULL,
        measurand text NOT NULL,
        phase text NOT NULL DEFAULT '',
        location text NOT NULL DEFAULT '',
        context text NOT NULL DEFAULT '',
        unit text NOT NULL,
        value numeric NOT NULL
      )`);
    // A sample is identified by what it measures and when: a resend (or the same sample again in
    // StopTransaction's transactionData) is not stored twice.
    await db.query(
      `CREATE UNIQUE INDEX uq_meter_values_sample ON meter_values (station_id, evse_id, sampled_at, measurand, phase, location, context)`,
    );
    await db.query(`CREATE INDEX ix_meter_values_transaction ON meter_values (transaction_id, sampled_at)`);
    await db.query(`
      CREATE TABLE reservations (
        id integer PRIMARY KEY,
        station_id text NOT NULL,
        evse_id integer,
        connector_id integer,
        id_token text NOT NULL,
        expires_at timestamptz NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_reservations_status CHECK (status IN ('Requested', 'Accepted', 'Rejected', 'Used', 'Cancelled', 'Expired'))
      )`);
    await db.query(`CREATE INDEX ix_reservations_station ON reservations (station_id, status)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['reservations', 'meter_values', 'transactions', 'local_auth_lists', 'id_tokens', 'connector_status_events', 'connectors', 'stations']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await db.query(`DROP SEQUENCE IF EXISTS ocpp16_transaction_id_seq`);
  }
}
