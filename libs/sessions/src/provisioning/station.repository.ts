import type { Sql } from '../infrastructure/unit-of-work';
import type { RegistrationStatus } from '../sessions.options';
import type { BootNotificationCommand } from './boot-notification.command';

export interface StationBootPolicy {
  readonly bootPolicy: RegistrationStatus;
  readonly heartbeatIntervalSec: number | null;
}

export interface StationPresence {
  readonly online: boolean;
  readonly connectionId: string | null;
  readonly gatewayPod: string | null;
  readonly presenceAt: Date | null;
  readonly offlineReason: string | null;
  readonly protocol: string | null;
}

/** stations: identity, boot policy and presence. Updates write only when a value changes. */
export class StationRepository {
  constructor(private readonly sql: Sql) {}

  /** Boot policy of each station that has a row, locked (in id order, so concurrent batches queue instead of deadlocking). */
  async lockBootPolicies(stationIds: readonly string[]): Promise<Map<string, StationBootPolicy>> {
    const rows = await this.sql.rows<{ id: string; boot_policy: RegistrationStatus; heartbeat_interval_sec: number | null }>(
      `SELECT id, boot_policy, heartbeat_interval_sec FROM stations WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
      [stationIds],
    );
    return new Map(rows.map((row) => [row.id, { bootPolicy: row.boot_policy, heartbeatIntervalSec: row.heartbeat_interval_sec }]));
  }

  /**
   * Stations first seen at their BootNotification. The message proves the connection it came on,
   * so each row starts online on it (its station-online event, older, found no row to update).
   */
  async registerMany(commands: readonly BootNotificationCommand[], bootPolicy: RegistrationStatus): Promise<void> {
    await this.sql.execute(
      `INSERT INTO stations (id, protocol, boot_policy, online, connection_id, gateway_pod, presence_at, last_seen_at, security_profile)
       SELECT id, protocol, $1, true, connection_id, gateway_pod, received_at, received_at, 0
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS v(id, protocol, connection_id, gateway_pod, received_at)
       ON CONFLICT (id) DO NOTHING`,
      [
        bootPolicy,
        commands.map((command) => command.stationId),
        commands.map((command) => command.protocol),
        commands.map((command) => command.connectionId),
        commands.map((command) => command.podId),
        commands.map((command) => command.receivedAt),
      ],
    );
  }

  /**
   * What each station said about itself and the registration status it got, in one statement;
   * a row is written only when something changed. The meter fields are kept as stored when the
   * station's protocol has none (undefined). One command per station (the batch plan's promise).
   */
  async recordBoots(boots: ReadonlyArray<{ readonly command: BootNotificationCommand; readonly status: RegistrationStatus }>): Promise<void> {
    const column = <T>(pick: (boot: { command: BootNotificationCommand; status: RegistrationStatus }) => T): T[] => boots.map(pick);
    await this.sql.execute(
      `UPDATE stations s
          SET protocol = v.protocol, vendor = v.vendor, model = v.model, serial_number = v.serial_number,
              firmware_version = v.firmware_version, iccid = v.iccid, imsi = v.imsi,
              meter_type = CASE WHEN v.has_meter_type THEN v.meter_type ELSE s.meter_type END,
              meter_serial_number = CASE WHEN v.has_meter_serial THEN v.meter_serial_number ELSE s.meter_serial_number END,
              registration_status = v.registration_status, last_boot_at = v.last_boot_at, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::boolean[], $10::text[], $11::boolean[], $12::text[], $13::text[], $14::timestamptz[])
           AS v(id, protocol, vendor, model, serial_number, firmware_version, iccid, imsi,
                has_meter_type, meter_type, has_meter_serial, meter_serial_number, registration_status, last_boot_at)
        WHERE s.id = v.id
          AND (s.protocol, s.vendor, s.model, s.serial_number, s.firmware_version, s.iccid, s.imsi,
               s.meter_type, s.meter_serial_number, s.registration_status, s.last_boot_at)
              IS DISTINCT FROM
              (v.protocol, v.vendor, v.model, v.serial_number, v.firmware_version, v.iccid, v.imsi,
               CASE WHEN v.has_meter_type THEN v.meter_type ELSE s.meter_type END,
               CASE WHEN v.has_meter_serial THEN v.meter_serial_number ELSE s.meter_serial_number END,
               v.registration_status, v.last_boot_at)`,
      [
        column((boot) => boot.command.stationId),
        column((boot) => boot.command.protocol),
        column((boot) => boot.command.identity.vendor),
        column((boot) => boot.command.identity.model),
        column((boot) => boot.command.identity.serialNumber),
        column((boot) => boot.command.identity.firmwareVersion),
        column((boot) => boot.command.identity.iccid),
        column((boot) => boot.command.identity.imsi),
        column((boot) => boot.command.identity.meterType !== undefined),
        column((boot) => boot.command.identity.meterType ?? null),
        column((boot) => boot.command.identity.meterSerialNumber !== undefined),
        column((boot) => boot.command.identity.meterSerialNumber ?? null),
        column((boot) => boot.status),
        column((boot) => boot.command.receivedAt),
      ],
    );
  }

  /** Presence of each station that has a row, locked in id order. */
  async lockPresences(stationIds: readonly string[]): Promise<Map<string, StationPresence>> {
    const rows = await this.sql.rows<{
      id: string;
      online: boolean;
      connection_id: string | null;
      gateway_pod: string | null;
      presence_at: Date | null;
      offline_reason: string | null;
      protocol: string | null;
    }>(`SELECT id, online, connection_id, gateway_pod, presence_at, offline_reason, protocol FROM stations WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [stationIds]);
    return new Map(
      rows.map((row) => [
        row.id,
        { online: row.online, connectionId: row.connection_id, gatewayPod: row.gateway_pod, presenceAt: row.presence_at, offlineReason: row.offline_reason, protocol: row.protocol },
      ]),
    );
  }

  /** Writes each station's presence where it differs from the stored one, in one statement. */
  async savePresences(presences: ReadonlyArray<readonly [string, StationPresence]>): Promise<void> {
    const column = <T>(pick: (presence: StationPresence) => T): T[] => presences.map(([, presence]) => pick(presence));
    await this.sql.execute(
      `UPDATE stations s
          SET online = v.online, connection_id = v.connection_id, gateway_pod = v.gateway_pod, presence_at = v.presence_at,
              offline_reason = v.offline_reason, protocol = v.protocol, updated_at = now()
         FROM unnest($1::text[], $2::boolean[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[])
           AS v(id, online, connection_id, gateway_pod, presence_at, offline_reason, protocol)
        WHERE s.id = v.id
          AND (s.online, s.connection_id, s.gateway_pod, s.presence_at, s.offline_reason, s.protocol)
              IS DISTINCT FROM (v.online, v.connection_id, v.gateway_pod, v.presence_at, v.offline_reason, v.protocol)`,
      [
        presences.map(([stationId]) => stationId),
        column((presence) => presence.online),
        column((presence) => presence.connectionId),
        column((presence) => presence.gatewayPod),
        column((presence) => presence.presenceAt),
        column((presence) => presence.offlineReason),
        column((presence) => presence.protocol),
      ],
    );
  }

  /** last_seen_at only moves forward; one statement for every station. */
  async touchMany(lastSeen: ReadonlyMap<string, Date>): Promise<void> {
    await this.sql.execute(
      `UPDATE stations s SET last_seen_at = v.at
         FROM unnest($1::text[], $2::timestamptz[]) AS v(id, at)
        WHERE s.id = v.id AND (s.last_seen_at IS NULL OR s.last_seen_at < v.at)`,
      [[...lastSeen.keys()], [...lastSeen.values()]],
    );
  }

  async lastBootAt(stationId: string): Promise<Date | null> {
    const row = await this.sql.first<{ last_boot_at: Date | null }>(`SELECT last_boot_at FROM stations WHERE id = $1`, [stationId]);
    return row?.last_boot_at ?? null;
  }
}
