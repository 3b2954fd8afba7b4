import type { MessageBus } from '@evcsms/bus';
import { TOPICS, type EdgeAuthorization, type StationCallEnvelope } from '@evcsms/contracts';
import type { EdgeDecisionSink, InboundCall } from '@evcsms/gateway';
import type { Logger } from '@evcsms/logging';
import { stationCallEnvelope } from './bus-call.handler';

/**
 * Authorize answers the gateway gave itself, on their way to the sessions service: the original
 * Authorize envelope again, as 'ack' with the edge decision, on the station's partition (so it
 * stays in order with the station's later messages). Held and retried until the bus takes them:
 * the edge answers exactly when the bus or the service is down. Bounded: past maxQueued the
 * oldest is dropped and counted (the station's answer stands; only the record is lost).
 */
export class EdgeDecisionOutbox implements EdgeDecisionSink {
  private queue: Array<{ key: string; value: string }> = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  dropped = 0;

  constructor(
    private readonly bus: MessageBus,
    private readonly podId: string,
    private readonly logger: Logger,
    private readonly options: { readonly retryIntervalMs: number; readonly maxQueued: number },
  ) {}

  record(call: InboundCall, decision: EdgeAuthorization): void {
    const envelope: StationCallEnvelope = { ...stationCallEnvelope(call, this.podId, 'ack'), edgeDecision: decision };
    this.queue.push({ key: call.stationId, value: JSON.stringify(envelope) });
    if (this.queue.length > this.options.maxQueued) {
      this.queue.shift();
      this.dropped += 1;
    }
    void this.flush();
  }

  get pending(): number {
    return this.queue.length;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.retryIntervalMs);
    this.timer.unref();
  }

  async stop(deadlineMs: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const deadline = Date.now() + deadlineMs;
    while (this.pending > 0 && Date.now() < deadline) {
      await this.flush();
      if (this.pending > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (this.pending > 0) this.logger.warn('edge Authorize decisions not recorded at shutdown', { pending: this.pending });
  }

  /** Concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, 500);
      try {
        await this.bus.publish(TOPICS.stationCalls, batch);
      } catch (error) {
        this.failures += 1;
        if (this.failures === 1 || this.failures % 100 === 0) this.logger.warn('edge Authorize decisions wait for the bus', { queued: this.queue.length, error });
        return;
      }
      this.failures = 0;
      this.queue.splice(0, batch.length);
    }
  }
}
