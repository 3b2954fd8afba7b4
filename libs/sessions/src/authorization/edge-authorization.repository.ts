import type { EdgeAuthorization } from '@evcsms/contracts';
import type { OcppVersion } from '@evcsms/ocpp';
import { SESSION_FLAGS } from '../domain/session.model';
import type { IdTokenRef } from '../domain/authorization';
import type { Sql } from '../infrastructure/unit-of-work';

/** How long before a session starts an edge Accepted for its token still counts as its authorization. */
export const EDGE_AUTHORIZATION_WINDOW_MS = 60 * 60 * 1000;

export interface EdgeAuthorizationRecord {
  readonly stationId: string;
  readonly connectionId: string;
  readonly messageId: string;
  readonly protocol: OcppVersion;
  readonly token: IdTokenRef;
  readonly decision: EdgeAuthorization;
  readonly serviceStatus: string;
  readonly receivedAt: Date;
}

/** edge_authorizations, and the sessions started on an edge answer. */
export class EdgeAuthorizationRepository {
  constructor(private readonly sql: Sql) {}

  /** False when this Authorize was recorded before (a redelivery). */
  async insert(record: EdgeAuthorizationRecord): Promise<boolean> {
    const { decision } = record;
    const inserted = await this.sql.execute(
      `INSERT INTO edge_authorizations (station_id, connection_id, message_id, protocol, id_token, id_token_type, edge_status, source, reason,
                                        decided_at, learned_at, service_status, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (station_id, connection_id, message_id) DO NOTHING`,
      [
        record.stationId,
        record.connectionId,
        record.messageId,
        record.protocol,
        record.token.idToken,
        record.token.type,
        decision.status,
        decision.source,
        decision.reason,
        decision.decidedAt,
        decision.learnedAt ?? null,
        record.serviceStatus,
        record.receivedAt,
      ],
    );
    return inserted > 0;
  }

  /** Was this token Accepted at the edge for this station within the window before `at`? */
  async acceptedAtEdge(stationId: string, idToken: string, at: Date): Promise<boolean> {
    const row = await this.sql.first<{ found: number }>(
      `SELECT 1 AS found FROM edge_authorizations
        WHERE station_id = $1 AND decided_at BETWEEN $3::timestamptz - $4 * interval '1 millisecond' AND $3::timestamptz
          AND lower(id_token) = lower($2) AND edge_status = 'Accepted'
        LIMIT 1`,
      [stationId, idToken, at, EDGE_AUTHORIZATION_WINDOW_MS],
    );
    return row !== undefined;
  }

  /** The record came after the session had started (both waited for the bus): flag it now. */
  async flagActiveSessions(stationId: string, idToken: string): Promise<number> {
    return this.sql.execute(
      `UPDATE transactions SET flags = array_append(flags, $3)
        WHERE station_id = $1 AND lower(id_token) = lower($2) AND status = 'active' AND NOT ($3 = ANY(flags))`,
      [stationId, idToken, SESSION_FLAGS.authorizedAtEdge],
    );
  }
}
