import type { OcppVersion } from '@evcsms/ocpp';
import type { AuthorizationStatus } from '../domain/authorization';
import { sameSession, type SessionState, type SessionStatus } from '../domain/session.model';
import type { Sql } from '../infrastructure/unit-of-work';

interface SessionRow {
  id: string;
  station_id: string;
  evse_id: number;
  connector_id: number;
  protocol: string;
  ocpp_transaction_id: string;
  start_key: string | null;
  id_token: string | null;
  id_token_type: string | null;
  status: string;
  started_at: Date;
  ended_at: Date | null;
  meter_start_wh: string | null;
  meter_stop_wh: string | null;
  energy_wh: string;
  stop_reason: string | null;
  flags: string[];
  last_seq_no: number | null;
  reservation_id: number | null;
  remote_start_id: number | null;
  register_last_wh: string | null;
  register_last_at: Date | null;
  auth_status: string | null;
  trigger_reason: string | null;
  charging_state: string | null;
}

const COLUMNS = `id, station_id, evse_id, connector_id, protocol, ocpp_transaction_id, start_key, id_token, id_token_type,
  status, started_at, ended_at, meter_start_wh, meter_stop_wh, energy_wh, stop_reason, flags, last_seq_no, reservation_id,
  remote_start_id, register_last_wh, register_last_at, auth_status, trigger_reason, charging_state`;

const big = (value: string | null): bigint | null => (value === null ? null : BigInt(value));
const text = (value: bigint | null): string | null => (value === null ? null : value.toString());

function fromRow(row: SessionRow): SessionState {
  return {
    id: row.id,
    stationId: row.station_id,
    evseId: row.evse_id,
    connectorId: row.connector_id,
    protocol: row.protocol as OcppVersion,
    ocppTransactionId: row.ocpp_transaction_id,
    startKey: row.start_key,
    idToken: row.id_token,
    idTokenType: row.id_token_type,
    status: row.status as SessionStatus,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    meterStartWh: big(row.meter_start_wh),
    meterStopWh: big(row.meter_stop_wh),
    energyWh: BigInt(row.energy_wh),
    stopReason: row.stop_reason,
    flags: row.flags,
    lastSeqNo: row.last_seq_no,
    reservationId: row.reservation_id,
    remoteStartId: row.remote_start_id,
    registerLastWh: big(row.register_last_wh),
    registerLastAt: row.register_last_at,
    authStatus: row.auth_status as AuthorizationStatus | null,
    triggerReason: row.trigger_reason,
    chargingState: row.charging_state,
  };
}

/** What a new session row is made of; the database assigns the id. */
export type NewSession = Omit<SessionState, 'id'>;

/**
 * Sessions in `transactions`. Every read that precedes a write locks the row (FOR UPDATE), so a
 * message processed twice at the same time (a consumer-group rebalance) waits rather than races.
 */
export class SessionRepository {
  constructor(private readonly sql: Sql) {}

  async lockByTransactionId(stationId: string, ocppTransactionId: string): Promise<SessionState | null> {
    const row = await this.sql.first<SessionRow>(
      `SELECT ${COLUMNS} FROM transactions WHERE station_id = $1 AND ocpp_transaction_id = $2 FOR UPDATE`,
      [stationId, ocppTransactionId],
    );
    return row ? fromRow(row) : null;
  }

  /** Several sessions at once (a batch), locked in id order so two batches never deadlock each other. */
  async lockManyByTransactionId(keys: ReadonlyArray<{ stationId: string; ocppTransactionId: string }>): Promise<SessionState[]> {
    if (keys.length === 0) return [];
    if (keys.length === 1) {
      const one = await this.lockByTransactionId(keys[0]!.stationId, keys[0]!.ocppTransactionId);
      return one ? [one] : [];
    }
    const rows = await this.sql.rows<SessionRow>(
      `SELECT ${COLUMNS} FROM transactions
        WHERE (station_id, ocpp_transaction_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        ORDER BY id FOR UPDATE`,
      [keys.map((key) => key.stationId), keys.map((key) => key.ocppTransactionId)],
    );
    return rows.map(fromRow);
  }

  async lockByStartKey(stationId: string, startKey: string): Promise<SessionState | null> {
    const row = await this.sql.first<SessionRow>(`SELECT ${COLUMNS} FROM transactions WHERE station_id = $1 AND start_key = $2 FOR UPDATE`, [
      stationId,
      startKey,
    ]);
    return row ? fromRow(row) : null;
  }

  /** Active sessions on a connector that started at or before `at`, oldest first, locked. */
  async lockActiveOnConnector(stationId: string, evseId: number, connectorId: number, at: Date): Promise<SessionState[]> {
    const rows = await this.sql.rows<SessionRow>(
      `SELECT ${COLUMNS} FROM transactions
        WHERE station_id = $1 AND status = 'active' AND evse_id = $2 AND connector_id = $3 AND started_at <= $4
        ORDER BY started_at, id FOR UPDATE`,
      [stationId, evseId, connectorId, at],
    );
    return rows.map(fromRow);
  }

  /**
   * Inserts unless a row with the same (station, transaction id) or (station, start key) exists;
   * null then: the caller reads the existing one. `ocppTransactionId` null draws the next 1.6
   * transaction id from ocpp16_transaction_id_seq.
   */
  async insert(session: Omit<NewSession, 'ocppTransactionId'> & { ocppTransactionId: string | null }): Promise<SessionState | null> {
    const row = await this.sql.first<SessionRow>(
      `INSERT INTO transactions (station_id, evse_id, connector_id, protocol, ocpp_transaction_id, start_key, id_token, id_token_type,
         status, started_at, ended_at, meter_start_wh, meter_stop_wh, energy_wh, stop_reason, flags, last_seq_no, reservation_id,
         remote_start_id, register_last_wh, register_last_at, auth_status, trigger_reason, charging_state)
       VALUES ($1, $2, $3, $4, COALESCE($5, nextval('ocpp16_transaction_id_seq')::text), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
         $16::text[], $17, $18, $19, $20, $21, $22, $23, $24)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        session.stationId,
        session.evseId,
        session.connectorId,
        session.protocol,
        session.ocppTransactionId,
        session.startKey,
        session.idToken,
        session.idTokenType,
        session.status,
        session.startedAt,
        session.endedAt,
        text(session.meterStartWh),
        text(session.meterStopWh),
        session.energyWh.toString(),
        session.stopReason,
        [...session.flags],
        session.lastSeqNo,
        session.reservationId,
        session.remoteStartId,
        text(session.registerLastWh),
        session.registerLastAt,
        session.authStatus,
        session.triggerReason,
        session.chargingState,
      ],
    );
    return row ? fromRow(row) : null;
  }

  /** Writes `after` over `before`; nothing at all when they are equal. */
  async save(before: SessionState, after: SessionState): Promise<void> {
    await this.saveAll([[before, after]]);
  }

  /** Writes every changed session in one UPDATE. */
  async saveAll(changes: ReadonlyArray<readonly [SessionState, SessionState]>): Promise<void> {
    const changed = changes.filter(([before, after]) => !sameSession(before, after)).map(([, after]) => after);
    if (changed.length === 0) return;
    const column = <T>(pick: (session: SessionState) => T): T[] => changed.map(pick);
    await this.sql.execute(
      `UPDATE transactions AS t SET evse_id = u.evse_id, connector_id = u.connector_id, id_token = u.id_token, id_token_type = u.id_token_type,
         status = u.status, started_at = u.started_at, ended_at = u.ended_at, meter_start_wh = u.meter_start_wh,
         meter_stop_wh = u.meter_stop_wh, energy_wh = u.energy_wh, stop_reason = u.stop_reason,
         flags = ARRAY(SELECT jsonb_array_elements_text(u.flags)), last_seq_no = u.last_seq_no, reservation_id = u.reservation_id,
         remote_start_id = u.remote_start_id, register_last_wh = u.register_last_wh, register_last_at = u.register_last_at,
         auth_status = u.auth_status, trigger_reason = u.trigger_reason, charging_state = u.charging_state, updated_at = now()
       FROM unnest($1::uuid[], $2::integer[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[],
         $9::bigint[], $10::bigint[], $11::bigint[], $12::text[], $13::jsonb[], $14::integer[], $15::integer[], $16::integer[],
         $17::bigint[], $18::timestamptz[], $19::text[], $20::text[], $21::text[])
         AS u (id, evse_id, connector_id, id_token, id_token_type, status, started_at, ended_at, meter_start_wh, meter_stop_wh,
               energy_wh, stop_reason, flags, last_seq_no, reservation_id, remote_start_id, register_last_wh, register_last_at,
               auth_status, trigger_reason, charging_state)
       WHERE t.id = u.id`,
      [
        column((s) => s.id),
        column((s) => s.evseId),
        column((s) => s.connectorId),
        column((s) => s.idToken),
        column((s) => s.idTokenType),
        column((s) => s.status),
        column((s) => s.startedAt),
        column((s) => s.endedAt),
        column((s) => text(s.meterStartWh)),
        column((s) => text(s.meterStopWh)),
        column((s) => s.energyWh.toString()),
        column((s) => s.stopReason),
        column((s) => JSON.stringify(s.flags)),
        column((s) => s.lastSeqNo),
        column((s) => s.reservationId),
        column((s) => s.remoteStartId),
        column((s) => text(s.registerLastWh)),
        column((s) => s.registerLastAt),
        column((s) => s.authStatus),
        column((s) => s.triggerReason),
        column((s) => s.chargingState),
      ],
    );
  }

  /** Whether the token has an active session anywhere but on the given connector. */
  async isChargingElsewhere(idToken: string, except?: { stationId: string; evseId: number; connectorId: number }): Promise<boolean> {
    const row = await this.sql.first<{ found: number }>(
      `SELECT 1 AS found FROM transactions
        WHERE id_token = $1 AND status = 'active'
          AND NOT (station_id IS NOT DISTINCT FROM $2::text AND evse_id IS NOT DISTINCT FROM $3::int AND connector_id IS NOT DISTINCT FROM $4::int)
        LIMIT 1`,
      [idToken, except?.stationId ?? null, except?.evseId ?? null, except?.connectorId ?? null],
    );
    return row !== undefined;
  }
}
