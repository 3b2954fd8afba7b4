import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An Authorize the gateway answered itself, and what the sessions service decided for that token. */
@Entity({ name: 'edge_authorizations' })
@Index('uq_edge_authorizations_message', ['stationId', 'connectionId', 'messageId'], { unique: true })
@Index('ix_edge_authorizations_station_time', ['stationId', 'decidedAt'])
export class EdgeAuthorizationEntity {
  @PrimaryColumn({ type: 'bigint', generated: 'increment' })
  id!: string;

  @Column({ name: 'station_id', type: 'text' })
  stationId!: string;

  @Column({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  @Column({ name: 'message_id', type: 'text' })
  messageId!: string;

  @Column({ type: 'text' })
  protocol!: string;

  @Column({ name: 'id_token', type: 'text' })
  idToken!: string;

  /** 2.0.1 only; a 1.6 idTag has no type. */
  @Column({ name: 'id_token_type', type: 'text', nullable: true })
  idTokenType!: string | null;

  /** What the station was told. */
  @Column({ name: 'edge_status', type: 'text' })
  edgeStatus!: string;

  /** cached (a status the service gave before) or policy (AUTH_CACHE_UNKNOWN_POLICY). */
  @Column({ type: 'text' })
  source!: string;

  /** timeout or unavailable: why the service did not answer. */
  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt!: Date;

  @Column({ name: 'learned_at', type: 'timestamptz', nullable: true })
  learnedAt!: Date | null;

  /** What the service decides for the token at the time of the Authorize. */
  @Column({ name: 'service_status', type: 'text' })
  serviceStatus!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
