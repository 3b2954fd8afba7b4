import type { Sql } from '../infrastructure/unit-of-work';
import type { StatusNotificationCommand } from './status-notification.command';

export interface ConnectorState {
  readonly status: string;
  readonly ocppStatus: string;
  readonly errorCode: string | null;
  readonly statusAt: Date;
}

export interface ConnectorKey {
  readonly stationId: string;
  readonly evseId: number;
  readonly connectorId: number;
}

export const connectorKeyOf = (key: ConnectorKey): string => `${key.stationId}\u0000${key.evseId}\u0000${key.connectorId}`;

interface ConnectorKeyRow {
  readonly station_id: string;
  readonly evse_id: number;
  readonly connector_id: number;
}

const keyOfRow = (row: ConnectorKeyRow): string => connectorKeyOf({ stationId: row.station_id, evseId: row.evse_id, connectorId: row.connector_id });

/** The key columns of many connectors, as unnest() parameters. */
const keyColumns = (keys: readonly ConnectorKey[]): unknown[] => [keys.map((key) => key.stationId), keys.map((key) => key.evseId), keys.map((key) => key.connectorId)];

/**
 * connectors (current status) and connector_status_events (history). Every method takes many
 * connectors in one statement; each connector at most once per call (the batch plan's promise:
 * one message per station per wave), so no statement touches a row twice.
 */
export class ConnectorRepository {
  constructor(private readonly sql: Sql) {}

  /** Current states, locked, by connectorKeyOf. */
  async lockMany(keys: readonly ConnectorKey[]): Promise<Map<string, ConnectorState>> {
    const rows = await this.sql.rows<ConnectorKeyRow & { status: string; ocpp_status: string; error_code: string | null; status_at: Date }>(
      `SELECT c.station_id, c.evse_id, c.connector_id, c.status, c.ocpp_status, c.error_code, c.status_at
         FROM connectors c JOIN unnest($1::text[], $2::int[], $3::int[]) AS k(station_id, evse_id, connector_id)
           ON (c.station_id, c.evse_id, c.connector_id) = (k.station_id, k.evse_id, k.connector_id)
        ORDER BY c.station_id, c.evse_id, c.connector_id
          FOR UPDATE OF c`,
      keyColumns(keys),
    );
    return new Map(
      rows.map((row) => [
        keyOfRow(row),
        { status: row.status, ocppStatus: row.ocpp_status, errorCode: row.error_code, statusAt: row.status_at },
      ]),
    );
  }

  /**
   * Takes each status unless the stored one is newer; writes nothing where it is the same.
   * Returns the connectors written, by connectorKeyOf.
   */
  async upsertMany(commands: readonly StatusNotificationCommand[]): Promise<Set<string>> {
    const rows = await this.sql.rows<ConnectorKeyRow>(
      `INSERT INTO connectors (station_id, evse_id, connector_id, status, ocpp_status, error_code, status_at)
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
       ON CONFLICT (station_id, evse_id, connector_id) DO UPDATE
         SET status = EXCLUDED.status, ocpp_status = EXCLUDED.ocpp_status, error_code = EXCLUDED.error_code, status_at = EXCLUDED.status_at
         WHERE connectors.status_at <= EXCLUDED.status_at
           AND (connectors.status, connectors.ocpp_status, connectors.error_code, connectors.status_at)
               IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.ocpp_status, EXCLUDED.error_code, EXCLUDED.status_at)
       RETURNING station_id, evse_id, connector_id`,
      [
        ...keyColumns(commands),
        commands.map((command) => command.status),
        commands.map((command) => command.ocppStatus),
        commands.map((command) => command.errorCode),
        commands.map((command) => command.at),
      ],
    );
    return new Set(rows.map(keyOfRow));
  }

  /** History; the unique index makes a redelivery a no-op. */
  async appendMany(commands: readonly StatusNotificationCommand[]): Promise<void> {
    await this.sql.execute(
      `INSERT INTO connector_status_events (station_id, evse_id, connector_id, status, ocpp_status, error_code, detail, at, received_at)
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz[], $9::timestamptz[])
       ON CONFLICT (station_id, evse_id, connector_id, at, ocpp_status) DO NOTHING`,
      [
        ...keyColumns(commands),
        commands.map((command) => command.status),
        commands.map((command) => command.ocppStatus),
        commands.map((command) => command.errorCode),
        commands.map((command) => (command.detail ? JSON.stringify(command.detail) : null)),
        commands.map((command) => command.at),
        commands.map((command) => command.receivedAt),
      ],
    );
  }

  /** The connectors among `keys` with an active session on them, by connectorKeyOf. */
  async withActiveSessions(keys: readonly ConnectorKey[]): Promise<Set<string>> {
    const rows = await this.sql.rows<ConnectorKeyRow>(
      `SELECT DISTINCT t.station_id, t.evse_id, t.connector_id
         FROM transactions t JOIN unnest($1::text[], $2::int[], $3::int[]) AS k(station_id, evse_id, connector_id)
           ON (t.station_id, t.evse_id, t.connector_id) = (k.station_id, k.evse_id, k.connector_id)
        WHERE t.status = 'active'`,
      keyColumns(keys),
    );
    return new Set(rows.map(keyOfRow));
  }
}
