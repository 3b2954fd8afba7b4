import type { Sql } from '../infrastructure/unit-of-work';
import type { StatusNotificationCommand } from './status-notification.command';

export interface ConnectorState {
  readonly status: string;
  readonly ocppStatus: string;
  readonly errorCode: string | null;
  readonly statusAt: Date;
}

/** connectors (current status) and connector_status_events (history). */
export class ConnectorRepository {
  constructor(private readonly sql: Sql) {}

  async lock(stationId: string, evseId: number, connectorId: number): Promise<ConnectorState | null> {
    const row = await this.sql.first<{ status: string; ocpp_status: string; error_code: string | null; status_at: Date }>(
      `SELECT status, ocpp_status, error_code, status_at FROM connectors WHERE station_id = $1 AND evse_id = $2 AND connector_id = $3 FOR UPDATE`,
      [stationId, evseId, connectorId],
    );
    return row ? { status: row.status, ocppStatus: row.ocpp_status, errorCode: row.error_code, statusAt: row.status_at } : null;
  }

  /** Takes the status unless the stored one is newer; writes nothing when it is the same. Returns rows written. */
  async upsert(command: StatusNotificationCommand): Promise<number> {
    return this.sql.execute(
      `INSERT INTO connectors (station_id, evse_id, connector_id, status, ocpp_status, error_code, status_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (station_id, evse_id, connector_id) DO UPDATE
         SET status = EXCLUDED.status, ocpp_status = EXCLUDED.ocpp_status, error_code = EXCLUDED.error_code, status_at = EXCLUDED.status_at
         WHERE connectors.status_at <= EXCLUDED.status_at
           AND (connectors.status, connectors.ocpp_status, connectors.error_code, connectors.status_at)
               IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.ocpp_status, EXCLUDED.error_code, EXCLUDED.status_at)`,
      [command.stationId, command.evseId, command.connectorId, command.status, command.ocppStatus, command.errorCode, command.at],
    );
  }

  /** History; the unique index makes a redelivery a no-op. */
  async append(command: StatusNotificationCommand): Promise<void> {
    await this.sql.execute(
      `INSERT INTO connector_status_events (station_id, evse_id, connector_id, status, ocpp_status, error_code, detail, at, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)
       ON CONFLICT (station_id, evse_id, connector_id, at, ocpp_status) DO NOTHING`,
      [
        command.stationId,
        command.evseId,
        command.connectorId,
        command.status,
        command.ocppStatus,
        command.errorCode,
        command.detail ? JSON.stringify(command.detail) : null,
        command.at,
        command.receivedAt,
      ],
    );
  }
}
