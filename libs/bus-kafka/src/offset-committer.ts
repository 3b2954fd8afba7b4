export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read, i.e. one past the last processed message (Kafka's convention). */
  readonly offset: string;
}

/**
 * Commits processed offsets for one group member: one commit request at a time, carrying every
 * partition's latest position, after every batch (interval 0) or at most every `intervalMs`.
 * Concurrent commits (several partitions consumed at once, each committing its batch) slowed a
 * consumer on librdkafka's mock cluster from thousands of messages/s to ~500
 * (tools/bench/spine-consumer-commits.micro.ts). What a crash leaves uncommitted is delivered
 * again: handlers are idempotent.
 */
export class OffsetCommitter {
  private readonly pending = new Map<string, PartitionOffset>();
  private chain: Promise<void> = Promise.resolve();
  private lastCommitAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly intervalMs: number,
    private readonly commit: (offsets: readonly PartitionOffset[]) => Promise<void>,
    private readonly onError: (error: unknown, offsets: readonly PartitionOffset[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records that everything before `next` in this partition has been processed. */
  processed(position: PartitionOffset): void {
    this.pending.set(`${position.topic}\u0000${position.partition}`, position);
  }

  /** Commits if the interval has passed since the last commit; resolves when that commit is done. */
  commitIfDue(): Promise<void> {
    return this.now() - this.lastCommitAt >= this.intervalMs ? this.flush() : Promise.resolve();
  }

  /** Commits whatever is pending (after the commit already in flight, if any). */
  flush(): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.pending.size === 0) return;
      const offsets = [...this.pending.values()];
      this.pending.clear();
      this.lastCommitAt = this.now();
      try {
        await this.commit(offsets);
      } catch (error) {
        // Most often the group moved on (a rebalance): the partitions' new owners read from the
        // last committed offsets, so these messages are processed again, which is safe.
        this.onError(error, offsets);
      }
    });
    return this.chain;
  }

  /**
   * The group rebalanced: positions recorded before may belong to partitions another member
   * now owns, and committing them later could move its position back. They are dropped; the
   * messages they cover are delivered again.
   */
  clear(): void {
    this.pending.clear();
  }
}
