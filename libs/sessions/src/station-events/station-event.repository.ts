import type { StationCallEnvelope } from '@evcsms/contracts';
import type { Sql } from '../infrastructure/unit-of-work';

/**
 * Appends station messages to the station event log: one statement for any number of them.
 * (station, connection, message id) is unique, so a redelivered envelope inserts nothing.
 */
export async function appendStationEvents(sql: Sql, envelopes: readonly StationCallEnvelope[]): Promise<number> {
  if (envelopes.length === 0) return 0;
  return sql.execute(
    `INSERT INTO station_events (station_id, protocol, action, connection_id, message_id, payload, received_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[])
     ON CONFLICT (station_id, connection_id, message_id) DO NOTHING`,
    [
      envelopes.map((envelope) => envelope.stationId),
      envelopes.map((envelope) => envelope.protocol),
      envelopes.map((envelope) => envelope.action),
      envelopes.map((envelope) => envelope.connectionId),
      envelopes.map((envelope) => envelope.messageId),
      envelopes.map((envelope) => JSON.stringify(envelope.payload)),
      envelopes.map((envelope) => envelope.receivedAt),
    ],
  );
}
