import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ApiScope = 'read' | 'operate' | 'admin';

/**
 * An API key. Only a SHA-256 of the key is kept: keys are 32 random bytes, so a fast hash is
 * enough to make a leaked table useless, and lets a request find its key in one indexed lookup.
 */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'key_hash', type: 'text', unique: true })
  keyHash!: string;

  /** The first characters of the key, to recognise it in lists without revealing it. */
  @Column({ name: 'key_prefix', type: 'text' })
  keyPrefix!: string;

  @Column({ type: 'text', array: true })
  scopes!: ApiScope[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
