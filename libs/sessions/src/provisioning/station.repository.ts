import type { StationPresenceEnvelope } from '@evcsms/contracts';
import type { Sql } from '../infrastructure/unit-of-work';
import type { RegistrationStatus } from '../sessions.options';
import type { BootNotificationCommand } from './boot-notification.command';

export interface StationPresence {
  readonly online: boolean;
  readonly connectionId: string | null;
  readonly presenceAt: Date | null;
}

/** stations: identity, boot policy and presence. Updates write only when a value changes. */
export class StationRepository {
  constructor(private readonly sql: Sql) {}

  async lockBootPolicy(stationId: string): Promise<{ bootPolicy: RegistrationStatus; heartbeatIntervalSec: number | null } | null> {
    const row = await this.sql.first<{ boot_policy: RegistrationStatus; heartbeat_interval_sec: number | null }>(
      `SELECT boot_policy, heartbeat_interval_sec FROM stations WHERE id = $1 FOR UPDATE`,
      [stationId],
    );
    return row ? { bootPolicy: row.boot_policy, heartbeatIntervalSec: row.heartbeat_interval_sec } : null;
  }

  /**
   * A station first seen at its BootNotification. The message proves the connection it came on,
   * so the row starts online on it (its station-online event, older, found no row to update).
   */
  async register(command: BootNotificationCommand, bootPolicy: RegistrationStatus): Promise<void> {
    await this.sql.execute(
      `INSERT INTO stations (id, protocol, boot_policy, online, connection_id, gateway_pod, presence_at, last_seen_at, security_profile)
       VALUES ($1, $2, $3, true, $4, $5, $6, $6, 0)
       ON CONFLICT (id) DO NOTHING`,
      [command.stationId, command.protocol, bootPolicy, command.connectionId, command.podId, command.receivedAt],
    );
  }

  async recordBoot(command: BootNotificationCommand, status: RegistrationStatus): Promise<void> {
    const { identity } = command;
    const values: Record<string, unknown> = {
      protocol: command.protocol,
      vendor: identity.vendor,
      model: identity.model,
      serial_number: identity.serialNumber,
      firmware_version: identity.firmwareVersion,
      iccid: identity.iccid,
      imsi: identity.imsi,
      registration_status: status,
      last_boot_at: command.receivedAt,
    };
    if (identity.meterType !== undefined) values['meter_type'] = identity.meterType;
    if (identity.meterSerialNumber !== undefined) values['meter_serial_number'] = identity.meterSerialNumber;
    await this.updateIfChanged(command.stationId, values);
  }

  async lockPresence(stationId: string): Promise<StationPresence | null> {
    const row = await this.sql.first<{ online: boolean; connection_id: string | null; presence_at: Date | null }>(
      `SELECT online, connection_id, presence_at FROM stations WHERE id = $1 FOR UPDATE`,
      [stationId],
    );
    return row ? { online: row.online, connectionId: row.connection_id, presenceAt: row.presence_at } : null;
  }

  async applyPresence(envelope: Exclude<StationPresenceEnvelope, { type: 'station-activity' }>, at: Date): Promise<number> {
    const values: Record<string, unknown> =
      envelope.type === 'station-online'
        ? { online: true, connection_id: envelope.connectionId, gateway_pod: envelope.podId, presence_at: at, offline_reason: null, protocol: envelope.protocol }
        : { online: false, gateway_pod: null, presence_at: at, offline_reason: envelope.reason };
    const changed = await this.updateIfChanged(envelope.stationId, values);
    return changed + (await this.touch(envelope.stationId, at));
  }

  /** last_seen_at only moves forward. */
  async touch(stationId: string, at: Date): Promise<number> {
    return this.sql.execute(`UPDATE stations SET last_seen_at = $2 WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < $2)`, [stationId, at]);
  }

  async lastBootAt(stationId: string): Promise<Date | null> {
    const row = await this.sql.first<{ last_boot_at: Date | null }>(`SELECT last_boot_at FROM stations WHERE id = $1`, [stationId]);
    return row?.last_boot_at ?? null;
  }

  private async updateIfChanged(stationId: string, values: Record<string, unknown>): Promise<number> {
    const columns = Object.keys(values);
    const parameters = columns.map((_, i) => `$${i + 2}`);
    return this.sql.execute(
      `UPDATE stations SET ${columns.map((column, i) => `${column} = ${parameters[i]}`).join(', ')}, updated_at = now()
        WHERE id = $1 AND (${columns.join(', ')}) IS DISTINCT FROM (${parameters.join(', ')})`,
      [stationId, ...columns.map((column) => values[column])],
    );
  }
}
