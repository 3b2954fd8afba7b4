import type { DataSource, QueryRunner } from 'typeorm';
import type { BillingSessionStatus } from './billing-session.entity';
import type { CdrRecordKind } from './cdr.entity';
import type { TariffAssignmentScope } from './tariff-assignment.entity';

/** A billing_sessions row as the consumer reads it (bigints as decimal strings). */
export interface BillingSessionRow {
  readonly session_id: string;
  readonly station_id: string;
  readonly evse_id: number;
  readonly connector_id: number;
  readonly protocol: string;
  readonly transaction_id: string;
  readonly token_uid: string | null;
  readonly token_group: string | null;
  readonly started_at: Date;
  readonly status: BillingSessionStatus;
  readonly tariff_id: string | null;
  readonly tariff_versions: Record<string, unknown>[] | null;
  readonly time_zone: string;
  readonly currency: string | null;
  readonly live_cost_excl_vat: string | null;
  readonly live_cost_incl_vat: string | null;
  readonly live_cost_at: Date | null;
  readonly cdr_id: string | null;
  readonly note: string | null;
}

export type NewBillingSession = Pick<
  BillingSessionRow,
  'session_id' | 'station_id' | 'evse_id' | 'connector_id' | 'protocol' | 'transaction_id' | 'token_uid' | 'token_group' | 'started_at' | 'status' | 'tariff_id' | 'tariff_versions' | 'time_zone' | 'currency' | 'note'
>;

export interface TariffAssignmentRow {
  readonly id: string;
  readonly scope: TariffAssignmentScope;
  readonly station_id: string | null;
  readonly evse_id: number | null;
  readonly connector_id: number | null;
  readonly site_id: string | null;
  readonly token_group: string | null;
  readonly tariff_id: string;
  readonly valid_from: Date | null;
  readonly valid_until: Date | null;
}

export interface TariffVersionRow {
  readonly id: string;
  readonly version: number;
  readonly currency: string;
  readonly document: Record<string, unknown>;
}

export interface CdrRow {
  readonly id: string;
  readonly session_id: string;
  readonly station_id: string;
  readonly record: CdrRecordKind;
  readonly token_uid: string;
  readonly token_group: string | null;
  readonly currency: string;
  readonly total_energy_wh: string;
  readonly total_cost_excl_vat: string;
  readonly total_cost_incl_vat: string;
  readonly start_date_time: Date;
  readonly end_date_time: Date;
  readonly credit_reference_id: string | null;
  readonly replaces_cdr_id: string | null;
  readonly document: Record<string, unknown>;
  readonly issued_at: Date;
}

export type NewCdr = CdrRow;

export interface MeterPointRow {
  readonly at: Date;
  readonly energy_wh: string;
}

const SESSION_COLUMNS = `session_id, station_id, evse_id, connector_id, protocol, transaction_id, token_uid, token_group, started_at, status,
  tariff_id, tariff_versions, time_zone, currency, live_cost_excl_vat, live_cost_incl_vat, live_cost_at, cdr_id, note`;
export const CDR_COLUMNS = `id, session_id, station_id, record, token_uid, token_group, currency, total_energy_wh, total_cost_excl_vat,
  total_cost_incl_vat, start_date_time, end_date_time, credit_reference_id, replaces_cdr_id, document, issued_at`;

/**
 * The billing consumer's statements, on one transaction's connection. Every write is
 * conditional or keyed (ON CONFLICT), so applying an event twice, or on two consumers at once,
 * leaves one result.
 */
export class BillingStore {
  constructor(private readonly runner: QueryRunner) {}

  /** Records that this event is being applied; false when it was applied before (a redelivery). */
  async claimEvent(eventId: string, sessionId: string, eventType: string): Promise<boolean> {
    const rows = await this.rows(
      `INSERT INTO billing_processed_events (event_id, session_id, event_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id`,
      [eventId, sessionId, eventType],
    );
    return rows.length === 1;
  }

  /** The session's billing state, locked until the transaction ends (concurrent consumers wait). */
  async lockSession(sessionId: string): Promise<BillingSessionRow | undefined> {
    return (await this.rows<BillingSessionRow>(`SELECT ${SESSION_COLUMNS} FROM billing_sessions WHERE session_id = $1 FOR UPDATE`, [sessionId]))[0];
  }

  async insertSession(row: NewBillingSession): Promise<void> {
    await this.rows(
      `INSERT INTO billing_sessions (session_id, station_id, evse_id, connector_id, protocol, transaction_id, token_uid, token_group, started_at, status,
         tariff_id, tariff_versions, time_zone, currency, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14, $15) ON CONFLICT (session_id) DO NOTHING`,
      [
        row.session_id,
        row.station_id,
        row.evse_id,
        row.connector_id,
        row.protocol,
        row.transaction_id,
        row.token_uid,
        row.token_group,
        row.started_at,
        row.status,
        row.tariff_id,
        row.tariff_versions === null ? null : JSON.stringify(row.tariff_versions),
        row.time_zone,
        row.currency,
        row.note,
      ],
    );
  }

  /** The group of a token, matched as OCPP matches IdTokens (case-insensitively). */
  async tokenGroupOf(idToken: string): Promise<string | null> {
    const rows = await this.rows<{ group_id_token: string | null }>(
      `SELECT group_id_token FROM id_tokens WHERE lower(id_token) = lower($1) ORDER BY (type = 'ISO14443') DESC, created_at LIMIT 1`,
      [idToken],
    );
    return rows[0]?.group_id_token ?? null;
  }

  /** The station's site and its time zone; null for a station without a site. */
  async siteOf(stationId: string): Promise<{ siteId: string; timeZone: string } | null> {
    const rows = await this.rows<{ id: string; time_zone: string }>(
      `SELECT sites.id, sites.time_zone FROM stations JOIN sites ON sites.id = stations.site_id WHERE stations.id = $1`,
      [stationId],
    );
    return rows[0] ? { siteId: rows[0].id, timeZone: rows[0].time_zone } : null;
  }

  /** Every assignment that could apply to a session at this station for this token group. */
  async assignmentsFor(stationId: string, tokenGroup: string | null): Promise<TariffAssignmentRow[]> {
    return this.rows<TariffAssignmentRow>(
      `SELECT id, scope, station_id, evse_id, connector_id, site_id, token_group, tariff_id, valid_from, valid_until
         FROM tariff_assignments WHERE station_id = $1 OR token_group = $2 OR scope IN ('site', 'default')`,
      [stationId, tokenGroup],
    );
  }

  async tariffVersions(tariffId: string): Promise<TariffVersionRow[]> {
    return this.rows<TariffVersionRow>(`SELECT id, version, currency, document FROM tariffs WHERE id = $1 ORDER BY version`, [tariffId]);
  }

  /** Adds a (time, energy) point; a second report of the same instant keeps the higher energy. */
  async addMeterPoint(sessionId: string, at: Date, energyWh: bigint): Promise<void> {
    await this.rows(
      `INSERT INTO billing_meter_points (session_id, at, energy_wh) VALUES ($1, $2, $3)
       ON CONFLICT (session_id, at) DO UPDATE SET energy_wh = excluded.energy_wh WHERE billing_meter_points.energy_wh < excluded.energy_wh`,
      [sessionId, at, energyWh.toString()],
    );
  }

  async meterPoints(sessionId: string): Promise<MeterPointRow[]> {
    return this.rows<MeterPointRow>(`SELECT at, energy_wh FROM billing_meter_points WHERE session_id = $1 ORDER BY at`, [sessionId]);
  }

  async updateLiveCost(sessionId: string, cost: { currency: string; exclVat: bigint; inclVat: bigint; at: Date }): Promise<void> {
    await this.rows(
      `UPDATE billing_sessions SET currency = $2, live_cost_excl_vat = $3, live_cost_incl_vat = $4, live_cost_at = $5, updated_at = now()
        WHERE session_id = $1`,
      [sessionId, cost.currency, cost.exclVat.toString(), cost.inclVat.toString(), cost.at],
    );
  }

  async setStatus(sessionId: string, status: BillingSessionStatus, fields: { cdrId?: string; note?: string | null } = {}): Promise<void> {
    await this.rows(
      `UPDATE billing_sessions SET status = $2, cdr_id = COALESCE($3, cdr_id), note = CASE WHEN $5 THEN $4 ELSE note END, updated_at = now()
        WHERE session_id = $1`,
      [sessionId, status, fields.cdrId ?? null, fields.note ?? null, fields.note !== undefined],
    );
  }

  /** Inserts a CDR unless one of the unique keys already holds one; true when this one was written. */
  async insertCdr(cdr: NewCdr): Promise<boolean> {
    const rows = await this.rows(
      `INSERT INTO cdrs (${CDR_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        cdr.id,
        cdr.session_id,
        cdr.station_id,
        cdr.record,
        cdr.token_uid,
        cdr.token_group,
        cdr.currency,
        cdr.total_energy_wh,
        cdr.total_cost_excl_vat,
        cdr.total_cost_incl_vat,
        cdr.start_date_time,
        cdr.end_date_time,
        cdr.credit_reference_id,
        cdr.replaces_cdr_id,
        JSON.stringify(cdr.document),
        cdr.issued_at,
      ],
    );
    return rows.length === 1;
  }

  /** The debit that stands for the session now: the one no credit cancels. */
  async standingDebit(sessionId: string): Promise<CdrRow | undefined> {
    const rows = await this.rows<CdrRow>(
      `SELECT ${CDR_COLUMNS} FROM cdrs c WHERE c.session_id = $1 AND c.record = 'DEBIT'
          AND NOT EXISTS (SELECT 1 FROM cdrs x WHERE x.credit_reference_id = c.id)
        ORDER BY c.issued_at DESC, c.id LIMIT 1`,
      [sessionId],
    );
    return rows[0];
  }

  private async rows<T>(text: string, parameters: unknown[]): Promise<T[]> {
    const result = await this.runner.query(text, parameters, true);
    return (result.records ?? []) as T[];
  }
}

/** SQLSTATEs worth another try: the transaction lost a race and nothing was written. */
const RACE_LOST = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

/** Runs `work` in one transaction and commits; retries serialization failures and deadlocks. */
export async function billingTransaction<T>(db: DataSource, work: (store: BillingStore) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const runner = db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const result = await work(new BillingStore(runner));
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      const code = (error as { code?: unknown; driverError?: { code?: unknown } }).code ?? (error as { driverError?: { code?: unknown } }).driverError?.code;
      if (attempt >= MAX_ATTEMPTS || typeof code !== 'string' || !RACE_LOST.has(code)) throw error;
    } finally {
      await runner.release();
    }
  }
}
