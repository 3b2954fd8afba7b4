/**
 * One transaction-related message waiting to be delivered. The payload is built when it is sent,
 * not when it is queued: a 1.6 MeterValues or StopTransaction queued while offline only learns its
 * transactionId once the StartTransaction ahead of it has been answered.
 */
export interface QueuedMessage {
  readonly action: string;
  /** undefined: the message became pointless (its transaction was refused) and is dropped. */
  readonly build: () => Record<string, unknown> | undefined;
  /** Called with the CSMS's answer once delivered. */
  readonly onResult?: (response: Record<string, unknown>) => void;
  attempts: number;
}

export type DeliveryOutcome = 'delivered' | 'retry-later' | 'rejected';

export interface OfflineQueueOptions {
  /** Oldest messages are dropped beyond this (a real charger's storage is finite too). */
  readonly capacity: number;
  /**
   * A message the CSMS keeps answering with a CALLERROR is dropped after this many attempts (a
   * function: read at each attempt, e.g. from the station's TransactionMessageAttempts).
   */
  readonly maxAttempts: number | (() => number);
}

/**
 * The spec's guarantee for transaction messages: kept while the station is offline and delivered
 * in the order they happened, each one only after the previous was answered. Every transaction
 * message goes through here, online or not, so order never depends on timing.
 */
export class OfflineQueue {
  private readonly items: QueuedMessage[] = [];
  private draining = false;
  dropped = 0;

  constructor(private readonly options: OfflineQueueOptions = { capacity: 10_000, maxAttempts: 3 }) {}

  get size(): number {
    return this.items.length;
  }

  get busy(): boolean {
    return this.draining;
  }

  push(message: Omit<QueuedMessage, 'attempts'>): void {
    this.items.push({ ...message, attempts: 0 });
    while (this.items.length > this.options.capacity) {
      this.items.shift();
      this.dropped += 1;
    }
  }

  /** The messages waiting, oldest first, as they would be sent now (payload undefined: would be dropped). */
  peek(): Array<{ action: string; payload: Record<string, unknown> | undefined }> {
    return this.items.map((item) => ({ action: item.action, payload: item.build() }));
  }

  /** The actions waiting, oldest first (for tests and diagnostics). */
  pending(): string[] {
    return this.items.map((item) => item.action);
  }

  /**
   * Sends messages oldest first until the queue is empty or `send` says to wait (connection lost).
   * Only one drain runs at a time; a second call while one runs returns at once.
   */
  async drain(
    send: (action: string, payload: Record<string, unknown>, attempt: number, maxAttempts: number) => Promise<{ outcome: DeliveryOutcome; response?: Record<string, unknown> }>,
  ): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let head = this.items[0]; head; head = this.items[0]) {
        const payload = head.build();
        if (!payload) {
          this.items.shift();
          this.dropped += 1;
          continue;
        }
        head.attempts += 1;
        const { maxAttempts } = this.options;
        const allowed = typeof maxAttempts === 'function' ? maxAttempts() : maxAttempts;
        const { outcome, response } = await send(head.action, payload, head.attempts, allowed);
        if (outcome === 'retry-later') return;
        if (outcome === 'rejected' && head.attempts < allowed) continue;
        this.items.shift();
        if (outcome === 'delivered') head.onResult?.(response ?? {});
        else this.dropped += 1;
      }
    } finally {
      this.draining = false;
    }
  }
}
