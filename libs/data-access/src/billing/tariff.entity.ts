import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One version of a tariff: the OCPI 2.2.1 Tariff document as accepted (with its `id` and our
 * `version`). A new price is a new row, never an edit, so every CDR can name the exact version
 * it was priced with.
 */
@Entity({ name: 'tariffs' })
@Index('ix_tariffs_created_at', ['createdAt'])
export class TariffEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  /** ISO 4217; every version of a tariff has the same one. */
  @Column({ type: 'text' })
  currency!: string;

  @Column({ type: 'jsonb' })
  document!: Record<string, unknown>;

  /** OCPI start_date_time / end_date_time, for queries; the document stays the source. */
  @Column({ name: 'valid_from', type: 'timestamptz', nullable: true })
  validFrom!: Date | null;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
