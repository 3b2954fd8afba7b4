import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type BillingSessionStatus = 'active' | 'completed' | 'unpriced';

/**
 * What billing keeps per charging session: the tariff resolved at its start (a snapshot of the
 * versions, so a price created later never reprices it), the last live cost, and the CDR that
 * currently stands for it. `unpriced`: no tariff applied (the note says why); no CDR is issued.
 */
@Entity({ name: 'billing_sessions' })
@Index('ix_billing_sessions_station', ['stationId'])
@Check('ck_billing_sessions_status', `status IN ('active', 'completed', 'unpriced')`)
export class BillingSessionEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @Column({ name: 'station_id', type: 'text' })
  stationId!: string;

  @Column({ name: 'evse_id', type: 'integer' })
  evseId!: number;

  @Column({ name: 'connector_id', type: 'integer' })
  connectorId!: number;

  @Column({ type: 'text' })
  protocol!: string;

  @Column({ name: 'transaction_id', type: 'text' })
  transactionId!: string;

  @Column({ name: 'token_uid', type: 'text', nullable: true })
  tokenUid!: string | null;

  @Column({ name: 'token_group', type: 'text', nullable: true })
  tokenGroup!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ type: 'text' })
  status!: BillingSessionStatus;

  @Column({ name: 'tariff_id', type: 'text', nullable: true })
  tariffId!: string | null;

  /** The OCPI documents of the tariff's versions known when the session started. */
  @Column({ name: 'tariff_versions', type: 'jsonb', nullable: true })
  tariffVersions!: Record<string, unknown>[] | null;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ type: 'text', nullable: true })
  currency!: string | null;

  /** Minor units. */
  @Column({ name: 'live_cost_excl_vat', type: 'bigint', nullable: true })
  liveCostExclVat!: string | null;

  @Column({ name: 'live_cost_incl_vat', type: 'bigint', nullable: true })
  liveCostInclVat!: string | null;

  /** The instant the live cost was computed for. */
  @Column({ name: 'live_cost_at', type: 'timestamptz', nullable: true })
  liveCostAt!: Date | null;

  /** The debit CDR that currently stands for the session (the latest correction). */
  @Column({ name: 'cdr_id', type: 'uuid', nullable: true })
  cdrId!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** The session's (time, energy) timeline as the session events reported it; one point per instant. */
@Entity({ name: 'billing_meter_points' })
export class BillingMeterPointEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  at!: Date;

  /** Cumulative Wh since the session started. */
  @Column({ name: 'energy_wh', type: 'bigint' })
  energyWh!: string;
}

/** Session events billing has applied: a redelivered event finds its id here and changes nothing. */
@Entity({ name: 'billing_processed_events' })
@Index('ix_billing_processed_events_session', ['sessionId'])
export class BillingProcessedEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt!: Date;
}
