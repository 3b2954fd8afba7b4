/** Runs tasks one after another per key (a station's register must not overtake its unregister). */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task).finally(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
    this.tails.set(key, next);
    return next;
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }
}
