import type { PodChannel } from '../connection-registry.port';

type Listener = (message: string) => void;

/**
 * Pod messages inside one process. Delivery is asynchronous (a later turn of the event loop,
 * never inside send()), like a network hop, so callers cannot come to rely on re-entrancy that
 * the Redis channel does not have. A message reaches the listeners that were listening when it
 * was sent and still are when it is delivered.
 */
export class InProcessPodChannel implements PodChannel {
  private readonly listeners = new Map<string, Set<Listener>>();

  send(podId: string, message: string): Promise<void> {
    const targets = [...(this.listeners.get(podId) ?? [])];
    if (targets.length) {
      setImmediate(() => {
        const current = this.listeners.get(podId);
        for (const listener of targets) {
          if (!current?.has(listener)) continue;
          try {
            listener(message);
          } catch {
            // At most once: a listener that throws has had its message.
          }
        }
      });
    }
    return Promise.resolve();
  }

  listen(podId: string, onMessage: (message: string) => void): Promise<{ close(): Promise<void> }> {
    // Wrapped so the same function can listen twice and each listen closes on its own.
    const listener: Listener = (message) => onMessage(message);
    let set = this.listeners.get(podId);
    if (!set) {
      set = new Set();
      this.listeners.set(podId, set);
    }
    set.add(listener);
    return Promise.resolve({
      close: () => {
        const current = this.listeners.get(podId);
        current?.delete(listener);
        if (current?.size === 0) this.listeners.delete(podId);
        return Promise.resolve();
      },
    });
  }
}
