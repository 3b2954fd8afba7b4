import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Domain events waiting to be published: written in the same database transaction as the change
 * they describe, then published in id order by a relay that marks them (at least once).
 */
@Entity({ name: 'domain_event_outbox' })
@Index('ix_domain_event_outbox_unpublished', ['id'], { where: 'published_at IS NULL' })
export class DomainEventOutboxEntity {
  @PrimaryColumn({ type: 'bigint', generated: 'increment' })
  id!: string;

  @Column({ type: 'text' })
  topic!: string;

  /** The bus key: the station id, so one station's events keep their order. */
  @Column({ type: 'text' })
  key!: string;

  /** The event, with its eventId for consumers to deduplicate. */
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
