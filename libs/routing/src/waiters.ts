/**
 * Promises waiting for a message that arrives on another path (a reply on the pod channel),
 * each with its own deadline. Settled exactly once: by the message or by the timeout.
 */
export class Waiters<T> {
  private readonly waiting = new Map<string, { resolve: (value: T) => void; timer: NodeJS.Timeout }>();

  wait(key: string, timeoutMs: number, onTimeout: () => T): Promise<T> {
    return new Promise<T>((resolve) => {
      const timer = setTimeout(() => {
        if (this.waiting.delete(key)) resolve(onTimeout());
      }, timeoutMs);
      this.waiting.set(key, { resolve, timer });
    });
  }

  /** Returns false when nobody waits (any more) for this key. */
  settle(key: string, value: T): boolean {
    const waiter = this.waiting.get(key);
    if (!waiter) return false;
    this.waiting.delete(key);
    clearTimeout(waiter.timer);
    waiter.resolve(value);
    return true;
  }

  /** Resolves everyone with the given value: on shutdown. */
  settleAll(value: () => T): void {
    for (const key of [...this.waiting.keys()]) this.settle(key, value());
  }

  get size(): number {
    return this.waiting.size;
  }
}
