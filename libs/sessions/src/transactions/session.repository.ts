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
    if (sameSession(before, after)) return;
    await this.sql.execute(
      `UPDATE transactions SET evse_id = $2, connector_id = $3, id_token = $4, id_token_type = $5, status = $6, started_at = $7,
         ended_at = $8, meter_start_wh = $9, meter_stop_wh = $10, energy_wh = $11, stop_reason = $12, flags = $13::text[],
         last_seq_no = $14, reservation_id = $15, remote_start_id = $16, register_last_wh = $17, register_last_at = $18,
         auth_status = $19, trigger_reason = $20, charging_state = $21, updated_at = now()
       WHERE id = $1`,
      [
        after.id,
        after.evseId,
        after.connectorId,
        after.idToken,
        after.idTokenType,
        after.status,
        after.startedAt,
        after.endedAt,
        text(after.meterStartWh),
        text(after.meterStopWh),
        after.energyWh.toString(),
        after.stopReason,
        [...after.flags],
        after.lastSeqNo,
        after.reservationId,
        after.remoteStartId,
        text(after.registerLastWh),
        after.registerLastAt,
        after.authStatus,
        after.triggerReason,
        after.chargingState,
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
