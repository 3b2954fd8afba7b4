import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type ReservationStatus = 'Requested' | 'Accepted' | 'Rejected' | 'Used' | 'Cancelled' | 'Expired';

@Entity({ name: 'reservations' })
@Index('ix_reservations_station', ['stationId', 'status'])
@Check('ck_reservations_status', `status IN ('Requested', 'Accepted', 'Rejected', 'Used', 'Cancelled', 'Expired')`)
export class ReservationEntity {
  /** The integer reservationId both protocol versions use. */
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'station_id', type: 'text' })
  stationId!: string;

  @Column({ name: 'evse_id', type: 'integer', nullable: true })
  evseId!: number | null;

  @Column({ name: 'connector_id', type: 'integer', nullable: true })
  connectorId!: number | null;

  @Column({ name: 'id_token', type: 'text' })
  idToken!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'text' })
  status!: ReservationStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
