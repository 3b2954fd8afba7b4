import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type CdrRecordKind = 'DEBIT' | 'CREDIT';

/**
 * An issued charge detail record. Rows are never updated: a correction adds a CREDIT (pointing
 * at the debit it cancels) and a new DEBIT (pointing at the debit it replaces). The unique
 * indexes are what make "exactly one CDR per session" hold under redelivery and concurrent
 * consumers: one original debit per session, and each debit credited and replaced at most once.
 */
@Entity({ name: 'cdrs' })
@Index('uq_cdrs_session_original', ['sessionId'], { unique: true, where: `record = 'DEBIT' AND replaces_cdr_id IS NULL` })
@Index('uq_cdrs_credit_reference', ['creditReferenceId'], { unique: true, where: 'credit_reference_id IS NOT NULL' })
@Index('uq_cdrs_replaces', ['replacesCdrId'], { unique: true, where: 'replaces_cdr_id IS NOT NULL' })
@Index('ix_cdrs_session', ['sessionId'])
@Index('ix_cdrs_issued_at', ['issuedAt', 'id'])
@Index('ix_cdrs_station_issued_at', ['stationId', 'issuedAt'])
@Check('ck_cdrs_record', `record IN ('DEBIT', 'CREDIT')`)
export class CdrEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @Column({ name: 'station_id', type: 'text' })
  stationId!: string;

  @Column({ type: 'text' })
  record!: CdrRecordKind;

  @Column({ name: 'token_uid', type: 'text' })
  tokenUid!: string;

  @Column({ name: 'token_group', type: 'text', nullable: true })
  tokenGroup!: string | null;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ name: 'total_energy_wh', type: 'bigint' })
  totalEnergyWh!: string;

  /** Minor units; negative on a credit. */
  @Column({ name: 'total_cost_excl_vat', type: 'bigint' })
  totalCostExclVat!: string;

  @Column({ name: 'total_cost_incl_vat', type: 'bigint' })
  totalCostInclVat!: string;

  @Column({ name: 'start_date_time', type: 'timestamptz' })
  startDateTime!: Date;

  @Column({ name: 'end_date_time', type: 'timestamptz' })
  endDateTime!: Date;

  @Column({ name: 'credit_reference_id', type: 'uuid', nullable: true })
  creditReferenceId!: string | null;

  @Column({ name: 'replaces_cdr_id', type: 'uuid', nullable: true })
  replacesCdrId!: string | null;

  /** The whole record (charging periods, every total) with amounts as decimal strings of minor units. */
  @Column({ type: 'jsonb' })
  document!: Record<string, unknown>;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
