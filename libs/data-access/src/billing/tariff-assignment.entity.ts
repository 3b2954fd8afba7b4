import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type TariffAssignmentScope = 'token-group' | 'connector' | 'evse' | 'station' | 'site' | 'default';

/**
 * Which tariff applies where (libs/billing tariff-assignment.ts has the precedence). The scope
 * columns a kind does not use stay null. Validity is half-open: [valid_from, valid_until).
 */
@Entity({ name: 'tariff_assignments' })
@Index('ix_tariff_assignments_station', ['stationId'])
@Index('ix_tariff_assignments_tariff', ['tariffId'])
@Check('ck_tariff_assignments_scope', `scope IN ('token-group', 'connector', 'evse', 'station', 'site', 'default')`)
export class TariffAssignmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  scope!: TariffAssignmentScope;

  @Column({ name: 'station_id', type: 'text', nullable: true })
  stationId!: string | null;

  @Column({ name: 'evse_id', type: 'integer', nullable: true })
  evseId!: number | null;

  @Column({ name: 'connector_id', type: 'integer', nullable: true })
  connectorId!: number | null;

  @Column({ name: 'site_id', type: 'text', nullable: true })
  siteId!: string | null;

  @Column({ name: 'token_group', type: 'text', nullable: true })
  tokenGroup!: string | null;

  @Column({ name: 'tariff_id', type: 'text' })
  tariffId!: string;

  @Column({ name: 'valid_from', type: 'timestamptz', nullable: true })
  validFrom!: Date | null;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
