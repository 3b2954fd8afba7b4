import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

export type IdTokenStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';

/** An authorization token: a 1.6 idTag is type ISO14443 unless told otherwise. */
@Entity({ name: 'id_tokens' })
@Unique('uq_id_tokens_token_type', ['idToken', 'type'])
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
