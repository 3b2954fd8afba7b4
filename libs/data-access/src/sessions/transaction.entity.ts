import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

export type TransactionStatus = 'active' | 'completed';

/**
 * One charging session, whatever the protocol: 1.6 StartTransaction/StopTransaction and 2.0.1
 * TransactionEvent Started/Updated/Ended map onto this row. Energy is integer Wh.
 */
@Entity({ name: 'transactions' })
@Unique('uq_transactions_station_ocpp_id', ['stationId', 'ocppTransactionId'])
@Unique('uq_transactions_station_start_key', ['stationId', 'startKey'])
@Index('ix_transactions_station_status', ['stationId', 'status'])
@Index('ix_transactions_started_at', ['startedAt'])
@Index('ix_transactions_active_token', ['idToken'], { where: "status = 'active'" })
@Check('ck_transactions_status', `status IN ('active', 'completed')`)
export class TransactionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'station_id', type: 'text' })
  stationId!: string;

  @Column({ name: 'evse_id', type: 'integer' })
  evseId!: number;

  @Column({ name: 'connector_id', type: 'integer' })
  connectorId!: number;

  @Column({ type: 'text' })
  protocol!: string;

  /** 1.6: the integer the CSMS assigned, as text; 2.0.1: the station's transactionId. */
  @Column({ name: 'ocpp_transaction_id', type: 'text' })
  ocppTransactionId!: string;

  /**
   * 1.6 StartTransaction has no id of its own: its content (connector, idTag, timestamp,
   * meterStart) identifies a resend, which gets the transactionId already assigned.
   */
  @Column({ name: 'start_key', type: 'text', nullable: true })
  startKey!: string | null;

  @Column({ name: 'id_token', type: 'text', nullable: true })
  idToken!: string | null;

  @Column({ name: 'id_token_type', type: 'text', nullable: true })
  idTokenType!: string | null;

  @Column({ type: 'text' })
  status!: TransactionStatus;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'meter_start_wh', type: 'bigint', nullable: true })
  meterStartWh!: string | null;

  @Column({ name: 'meter_stop_wh', type: 'bigint', nullable: true })
  meterStopWh!: string | null;

  /** Energy delivered so far (active) or in total (completed), from the energy register. */
  @Column({ name: 'energy_wh', type: 'bigint', default: 0 })
  energyWh!: string;

  @Column({ name: 'stop_reason', type: 'text', nullable: true })
  stopReason!: string | null;

  /** Anomalies worth an operator's look: closed-without-stop, meter-reset, started-offline... */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  flags!: string[];

  /** 2.0.1 seqNo of the last event applied: older ones arriving later do not move state back. */
  @Column({ name: 'last_seq_no', type: 'integer', nullable: true })
  lastSeqNo!: number | null;

  @Column({ name: 'reservation_id', type: 'integer', nullable: true })
  reservationId!: number | null;

  @Column({ name: 'remote_start_id', type: 'integer', nullable: true })
  remoteStartId!: number | null;

  /** The last energy register reading applied (integer Wh) and when it was taken: energy grows from it. */
  @Column({ name: 'register_last_wh', type: 'bigint', nullable: true })
  registerLastWh!: string | null;

  @Column({ name: 'register_last_at', type: 'timestamptz', nullable: true })
  registerLastAt!: Date | null;

  /** The authorization status the session's token was answered with. */
  @Column({ name: 'auth_status', type: 'text', nullable: true })
  authStatus!: string | null;

  /** 2.0.1: triggerReason of the last event applied. */
  @Column({ name: 'trigger_reason', type: 'text', nullable: true })
  triggerReason!: string | null;

  /** 2.0.1: chargingState of the last event applied that carried one. */
  @Column({ name: 'charging_state', type: 'text', nullable: true })
  chargingState!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
