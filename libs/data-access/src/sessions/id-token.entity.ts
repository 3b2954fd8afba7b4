import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type IdTokenStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';

/** An authorization token: a 1.6 idTag is type ISO14443 unless told otherwise. */
@Entity({ name: 'id_tokens' })
// Unique on (lower(id_token), type): tokens are case-insensitive. An expression index, so the
// migration owns it and schema sync leaves it alone.
@Index('uq_id_tokens_token_type_ci', { synchronize: false })
@Check('ck_id_tokens_status', `status IN ('Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx')`)
export class IdTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'id_token', type: 'text' })
  idToken!: string;

  /** ISO14443, ISO15693, eMAID, Central, KeyCode, Local, MacAddress, NoAuthorization. */
  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  status!: IdTokenStatus;

  @Column({ name: 'group_id_token', type: 'text', nullable: true })
  groupIdToken!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** The local authorization list version each station holds (SendLocalList / GetLocalListVersion). */
@Entity({ name: 'local_auth_lists' })
export class LocalAuthListEntity {
  @Column({ name: 'station_id', type: 'text', primary: true })
  stationId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** One entry of the local authorization list the CSMS last sent a station (SendLocalList). */
@Entity({ name: 'local_auth_list_entries' })
export class LocalAuthListEntryEntity {
  @PrimaryColumn({ name: 'station_id', type: 'text' })
  stationId!: string;

  @PrimaryColumn({ name: 'id_token', type: 'text' })
  idToken!: string;

  @PrimaryColumn({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  status!: IdTokenStatus;

  @Column({ name: 'group_id_token', type: 'text', nullable: true })
  groupIdToken!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;
}
