import type { MessageBus, OutgoingMessage } from '@evcsms/bus';
import { silentLogger, type Logger } from '@evcsms/logging';
import type { SessionsDataSource } from './database.port';
import { inTransaction, type Sql } from './unit-of-work';

export interface OutboxRelayOptions {
  /** Rows per round (default 500). */
  readonly batchSize?: number;
  /** Pause between polls when there is nothing to publish (default 200 ms), for start(). */
  readonly pollIntervalMs?: number;
  /**
   * Pause after a round that published less than a full batch (default 50 ms), for start():
   * events trickling in are then published a few dozen at a time instead of one round (five
   * statements) each, which under steady meter values was most of the relay's cost.
   */
  readonly lingerMs?: number;
  /** Published events are deleted this long after publication (default 1 h), by start()'s loop once a minute. */
  readonly retainPublishedMs?: number;
  readonly logger?: Logger;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  payload: Record<string, unknown>;
}

const PRUNE_EVERY_MS = 60_000;

/** One relay at a time per database: two would publish the same rows out of order. */
const RELAY_LOCK = 7_340_271_001;

/**
 * Publishes the outbox to the bus in id order and marks what it published. Publish first, mark
 * after, in one database transaction that holds the relay lock: a crash in between publishes
 * those rows again (at least once, never lost); consumers deduplicate on the payload's eventId.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lingerMs: number;
  private readonly retainPublishedMs: number;
  private lastPruneAt = Date.now();
  private readonly logger: Logger;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly dataSource: SessionsDataSource,
    private readonly bus: MessageBus,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.lingerMs = options.lingerMs ?? 50;
    this.retainPublishedMs = options.retainPublishedMs ?? 3_600_000;
    this.logger = options.logger ?? silentLogger;
  }

  /** Publishes everything unpublished now; resolves with how many events went out. */
  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await inTransaction(this.dataSource, ({ sql }) => this.relayBatch(sql));
      total += published;
      if (published < this.batchSize) return total;
    }
  }

  /** Polls until stop(). A failed round (bus down) is logged and tried again on the next poll. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.poll();
  }

  /** Ends the loop, then publishes what is still waiting: a clean shutdown leaves the outbox empty. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await this.runOnce().catch((error: unknown) => this.logger.warn('outbox flush at stop failed; the next start publishes it', { error }));
  }

  /** Deletes published events older than `before`; returns how many. */
  async prune(before: Date): Promise<number> {
    return inTransaction(this.dataSource, ({ sql }) =>
      sql.execute(`DELETE FROM domain_event_outbox WHERE published_at IS NOT NULL AND published_at < $1`, [before]),
    );
  }

  private async poll(): Promise<void> {
    while (!this.stopping) {
      let published = 0;
      try {
        published = await this.runOnce();
      } catch (error) {
        this.logger.warn('outbox relay round failed; retrying', { error });
      }
      if (Date.now() - this.lastPruneAt >= PRUNE_EVERY_MS) {
        this.lastPruneAt = Date.now();
        await this.prune(new Date(Date.now() - this.retainPublishedMs)).catch((error: unknown) => this.logger.warn('outbox prune failed', { error }));
      }
      if (!this.stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, published === 0 ? this.pollIntervalMs : this.lingerMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  private async relayBatch(sql: Sql): Promise<number> {
    const locked = await sql.first<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [RELAY_LOCK]);
    if (!locked?.locked) return 0;
    const rows = await sql.rows<OutboxRow>(
      `SELECT id, topic, key, payload FROM domain_event_outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [this.batchSize],
    );
    if (rows.length === 0) return 0;
    // Runs of one topic, in id order: the bus keeps each key's order within a topic.
    for (let start = 0; start < rows.length; ) {
      const topic = rows[start]!.topic;
      let end = start;
      while (end < rows.length && rows[end]!.topic === topic) end += 1;
      const messages: OutgoingMessage[] = rows.slice(start, end).map((row) => ({
        key: row.key,
        value: JSON.stringify(row.payload),
        headers: { 'event-type': String(row.payload['type']), 'event-id': String(row.payload['eventId']) },
      }));
      await this.bus.publish(topic, messages);
      start = end;
    }
    await sql.execute(`UPDATE domain_event_outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((row) => row.id)]);
    this.logger.debug('outbox relayed', { events: rows.length, lastId: rows[rows.length - 1]!.id });
    return rows.length;
  }
}
