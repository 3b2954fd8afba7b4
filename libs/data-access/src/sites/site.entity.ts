import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** OCPI 2.2.1 Location address fields; country is ISO 3166-1 alpha-3. */
export interface SiteAddress {
  readonly street: string;
  readonly city: string;
  readonly postalCode?: string;
  readonly state?: string;
  readonly country: string;
}

export interface GridConnection {
  readonly maxCurrentA?: number;
  readonly maxPowerW?: number;
  readonly phases: 1 | 3;
  readonly voltageV?: number;
}

/** OCPI Hours: 24/7, or regular hours per ISO weekday (1 = Monday) as HH:MM. */
export interface OpeningTimes {
  readonly twentyfourSeven: boolean;
  readonly regularHours?: ReadonlyArray<{ readonly weekday: number; readonly periodBegin: string; readonly periodEnd: string }>;
}

/** OCPI BusinessDetails. */
export interface SiteOperator {
  readonly name: string;
  readonly website?: string;
}

/**
 * A location stations belong to: its time zone prices their sessions, its grid connection is
 * what smart charging balances, and its fields are what an OCPI Location needs.
 */
@Entity({ name: 'sites' })
export class SiteEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** IANA zone. */
  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ type: 'jsonb', nullable: true })
  address!: SiteAddress | null;

  @Column({ type: 'double precision', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double precision', nullable: true })
  longitude!: number | null;

  @Column({ name: 'grid_connection', type: 'jsonb', nullable: true })
  gridConnection!: GridConnection | null;

  @Column({ name: 'opening_times', type: 'jsonb', nullable: true })
  openingTimes!: OpeningTimes | null;

  @Column({ type: 'jsonb', nullable: true })
  operator!: SiteOperator | null;

  /** OCPI ParkingType. */
  @Column({ name: 'parking_type', type: 'text', nullable: true })
  parkingType!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
