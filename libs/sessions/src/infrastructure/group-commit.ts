interface Waiting<I, O> {
  readonly items: readonly I[];
  readonly resolve: (outcomes: O[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: batches submitted while one is being written are written together next, in one
 * call (one database transaction), and each caller gets back its own outcomes. With a consumer
 * handling several partitions at once, each partition's batch is small at moderate rates; one
 * transaction per partition batch is then mostly round trips. Alone, a batch goes at once.
 *
 * Each caller's items stay together and in order; callers are different partitions, hence
 * different stations, so nothing orders them against each other.
 */
export class GroupCommit<I, O> {
  private readonly waiting: Array<Waiting<I, O>> = [];
  private inFlight = 0;

  constructor(
    private readonly write: (items: readonly I[]) => Promise<O[]>,
    /** A group stops growing at this many items (a caller's batch is never split). */
    private readonly maxItems = 2_000,
    /**
     * Groups written at once. Callers are different partitions, hence different stations, so two
     * transactions in flight touch different rows; while one waits on the database the next is
     * already on its way (the writer is round-trip bound, not CPU bound).
     */
    private readonly concurrency = 1,
  ) {}

  submit(items: readonly I[]): Promise<O[]> {
    return new Promise<O[]>((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.waiting.length > 0) {
      const group = this.takeGroup();
      this.inFlight += 1;
      void this.writeGroup(group).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async writeGroup(group: ReadonlyArray<Waiting<I, O>>): Promise<void> {
    const items = group.flatMap((waiting) => [...waiting.items]);
    try {
      const outcomes = await this.write(items);
      if (outcomes.length !== items.length) throw new Error(`group commit: ${outcomes.length} outcomes for ${items.length} items`);
      let offset = 0;
      for (const waiting of group) {
        waiting.resolve(outcomes.slice(offset, offset + waiting.items.length));
        offset += waiting.items.length;
      }
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
    }
  }

  private takeGroup(): Array<Waiting<I, O>> {
    const group = [this.waiting.shift()!];
    let size = group[0]!.items.length;
    while (this.waiting.length > 0 && size + this.waiting[0]!.items.length <= this.maxItems) {
      const next = this.waiting.shift()!;
      size += next.items.length;
      group.push(next);
    }
    return group;
  }
}
