import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type BootPolicy = 'Accepted' | 'Pending' | 'Rejected';

/** A charging station as the CSMS knows it: identity, credentials, boot policy and presence. */
@Entity({ name: 'stations' })
@Index('ix_stations_site', ['siteId'])
@Check('ck_stations_boot_policy', `boot_policy IN ('Accepted', 'Pending', 'Rejected')`)
export class StationEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', nullable: true })
  protocol!: string | null;

  @Column({ type: 'text', nullable: true })
  vendor!: string | null;

  @Column({ type: 'text', nullable: true })
  model!: string | null;

  @Column({ name: 'serial_number', type: 'text', nullable: true })
  serialNumber!: string | null;

  @Column({ name: 'firmware_version', type: 'text', nullable: true })
  firmwareVersion!: string | null;

  @Column({ type: 'text', nullable: true })
  iccid!: string | null;

  @Column({ type: 'text', nullable: true })
  imsi!: string | null;

  @Column({ name: 'meter_type', type: 'text', nullable: true })
  meterType!: string | null;

  @Column({ name: 'meter_serial_number', type: 'text', nullable: true })
  meterSerialNumber!: string | null;

  /** 0-3; the floor the gateway enforces. */
  @Column({ name: 'security_profile', type: 'smallint', default: 1 })
  securityProfile!: number;

  /** scrypt hash (never the password). */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  /** What a BootNotification is answered with. */
  @Column({ name: 'boot_policy', type: 'text', default: 'Accepted' })
  bootPolicy!: BootPolicy;

  @Column({ name: 'heartbeat_interval_sec', type: 'integer', nullable: true })
  heartbeatIntervalSec!: number | null;

  @Column({ name: 'registration_status', type: 'text', nullable: true })
  registrationStatus!: string | null;

  @Column({ name: 'last_boot_at', type: 'timestamptz', nullable: true })
  lastBootAt!: Date | null;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  online!: boolean;

  @Column({ name: 'connection_id', type: 'text', nullable: true })
  connectionId!: string | null;

  @Column({ name: 'gateway_pod', type: 'text', nullable: true })
  gatewayPod!: string | null;

  /** Time of the presence event last applied: older events never override newer ones. */
  @Column({ name: 'presence_at', type: 'timestamptz', nullable: true })
  presenceAt!: Date | null;

  @Column({ name: 'offline_reason', type: 'text', nullable: true })
  offlineReason!: string | null;

  /** The site it belongs to (at most one). */
  @Column({ name: 'site_id', type: 'text', nullable: true })
  siteId!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  /** A rotated password the station has not connected with yet; the old one works until it does. */
  @Column({ name: 'pending_password_hash', type: 'text', nullable: true })
  pendingPasswordHash!: string | null;

  /** A higher profile the station may connect with; once it does, it becomes the floor. */
  @Column({ name: 'pending_security_profile', type: 'smallint', nullable: true })
  pendingSecurityProfile!: number | null;

  /** Deleted stations keep their row (sessions and CDRs refer to it) but may not connect. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
