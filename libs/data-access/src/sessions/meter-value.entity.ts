import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Sampled values, one row each, built for volume: written with multi-row INSERT ... ON CONFLICT
 * DO NOTHING (redelivery writes nothing twice), read per session in time order.
 */
@Entity({ name: 'meter_values' })
@Index('uq_meter_values_sample', ['stationId', 'evseId', 'sampledAt', 'measurand', 'phase', 'location', 'context'], { unique: true })
@Index('ix_meter_values_transaction', ['transactionId', 'sampledAt'])
export class MeterValueEntity {
  @PrimaryColumn({ type: 'bigint', generated: 'increment' })
  id!: string;

  @Column({ name: 'transaction_id', type: 'uuid', nullable: true })
  transactionId!: string | null;

  @Column({ name: 'station_id', type: 'text' })
  stationId!: string;

  @Column({ name: 'evse_id', type: 'integer' })
  evseId!: number;

  @Column({ name: 'sampled_at', type: 'timestamptz' })
  sampledAt!: Date;

  @Column({ type: 'text' })
  measurand!: string;

  @Column({ type: 'text', default: '' })
  phase!: string;

  @Column({ type: 'text', default: '' })
  location!: string;

  @Column({ type: 'text', default: '' })
  context!: string;

  @Column({ type: 'text' })
  unit!: string;

  /** Exact decimal as sent, normalised to the unit column (Wh, W, A, V...). */
  @Column({ type: 'numeric' })
  value!: string;
}
