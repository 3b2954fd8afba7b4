import type { MessageBus, OutgoingMessage } from '@evcsms/bus';
import { TOPICS, type StationPresenceEnvelope } from '@evcsms/contracts';
import type { Logger } from '@evcsms/logging';

export interface PresenceOutboxOptions {
  readonly flushIntervalMs: number;
  readonly maxBatch: number;
  /** Above this many waiting events the oldest activity events are dropped (never online/offline). */
  readonly maxQueued: number;
}

/**
 * Presence events leave the gateway in order, in batches, and are retried until the bus takes
 * them, so a short Kafka outage delays online/offline events instead of losing them. Activity
 * (heartbeats) is coalesced per station: only the latest one matters.
 */
export class PresenceOutbox {
  private queue: StationPresenceEnvelope[] = [];
  private readonly latestActivity = new Map<string, StationPresenceEnvelope>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  dropped = 0;

  constructor(
    private readonly bus: MessageBus,
    private readonly logger: Logger,
    private readonly options: PresenceOutboxOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  add(event: StationPresenceEnvelope): void {
    if (event.type === 'station-activity') {
      this.latestActivity.set(event.stationId, event);
      return;
    }
    this.queue.push(event);
    if (this.queue.length > this.options.maxQueued) {
      const before = this.queue.length;
      this.queue = this.queue.filter((queued, index) => index >= before - this.options.maxQueued || queued.type !== 'station-activity');
      this.dropped += before - this.queue.length;
    }
  }

  get pending(): number {
    return this.queue.length + this.latestActivity.size;
  }

  /** Sends what is waiting; concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async stop(deadlineMs: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const deadline = Date.now() + deadlineMs;
    while (this.pending > 0 && Date.now() < deadline) {
      await this.flush();
      if (this.pending > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async flushOnce(): Promise<void> {
    for (const activity of this.latestActivity.values()) this.queue.push(activity);
    this.latestActivity.clear();
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.options.maxBatch);
      const messages: OutgoingMessage[] = batch.map((event) => ({ key: event.stationId, value: JSON.stringify(event) }));
      try {
        await this.bus.publish(TOPICS.stationPresence, messages);
      } catch (error) {
        this.failures += 1;
        if (this.failures === 1 || this.failures % 100 === 0) {
          this.logger.warn('presence events wait for the bus', { queued: this.queue.length, error });
        }
        return;
      }
      this.failures = 0;
      this.queue.splice(0, batch.length);
    }
  }
}
