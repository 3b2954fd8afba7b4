/**
 * Turns many concurrent publish() calls into few produce requests, without ever resolving one
 * before Kafka acknowledged it.
 *
 * - The first call waits lingerMs for company; a batch goes out at once when it reaches
 *   maxBatchMessages or maxBatchBytes. One batch is in flight at a time: what arrives meanwhile
 *   forms the next batch, which goes out as soon as the current one is acknowledged. Under load
 *   this batches by the broker's round trip, like Nagle's algorithm.
 * - Each call's messages travel together, in call order, so calls for one key keep their order.
 * - Every call has a deadline (timeoutMs): past it the call rejects with BusUnavailableError. A
 *   call still queued is then never sent; one already sent may still land (at least once). A
 *   send that outlives the deadline no longer holds up the queue.
 */
import { BusClosedError, BusUnavailableError, type OutgoingMessage } from '@evcsms/bus';

export interface TopicMessages {
  readonly topic: string;
  readonly messages: readonly OutgoingMessage[];
}

export interface PublishBatcherOptions {
  readonly lingerMs: number;
  readonly maxBatchMessages: number;
  readonly maxBatchBytes: number;
  readonly timeoutMs: number;
  /** Sends one batch; resolves once every message in it is acknowledged. */
  send(batch: readonly TopicMessages[]): Promise<void>;
  /** A call ran out of time (the cluster is slow or unreachable). */
  onTimeout?(): void;
}

export interface PublishBatcherStats {
  /** Batches sent (produce requests, one per broker involved). */
  readonly batches: number;
  readonly messages: number;
  readonly timeouts: number;
  readonly failures: number;
}

interface PendingCall {
  readonly topic: string;
  readonly messages: readonly OutgoingMessage[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
  settled: boolean;
}

/** Roughly what a message costs on the wire: enough to keep batches under the broker's limit. */
export function approximateSize(message: OutgoingMessage): number {
  let bytes = 64 + Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += 8 + Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

export class PublishBatcher {
  private readonly queue: PendingCall[] = [];
  private queuedMessages = 0;
  private queuedBytes = 0;
  private lingerTimer?: NodeJS.Timeout;
  private inFlight?: object;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private counters = { batches: 0, messages: 0, timeouts: 0, failures: 0 };

  constructor(private readonly options: PublishBatcherOptions) {}

  get stats(): PublishBatcherStats {
    return { ...this.counters };
  }

  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) return Promise.reject(new BusClosedError());
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const call: PendingCall = {
        topic,
        messages,
        bytes: messages.reduce((sum, message) => sum + approximateSize(message), 0),
        resolve,
        reject,
        settled: false,
      };
      call.timer = setTimeout(() => this.expire(call), this.options.timeoutMs);
      this.queue.push(call);
      this.queuedMessages += messages.length;
      this.queuedBytes += call.bytes;
      this.kick();
    });
  }

  /** Sends what is queued, waits for what is in flight, and refuses new calls. */
  async close(): Promise<void> {
    this.closed = true;
    this.flushNow();
    await this.idle();
  }

  private kick(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const full = this.queuedMessages >= this.options.maxBatchMessages || this.queuedBytes >= this.options.maxBatchBytes;
    if (full || this.options.lingerMs <= 0 || this.closed) {
      this.flushNow();
      return;
    }
    this.lingerTimer ??= setTimeout(() => this.flushNow(), this.options.lingerMs);
  }

  private flushNow(): void {
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
    }
    if (this.inFlight) return;
    const calls = this.take();
    if (calls.length === 0) {
      this.notifyIfIdle();
      return;
    }
    const flight = {};
    this.inFlight = flight;
    const count = calls.reduce((sum, call) => sum + call.messages.length, 0);
    this.counters.batches += 1;
    this.counters.messages += count;
    // A send that hangs past every call's deadline must not hold up the calls behind it.
    const stall = setTimeout(() => this.land(flight), this.options.timeoutMs);
    let sending: Promise<void>;
    try {
      sending = this.options.send(groupByTopic(calls));
    } catch (err) {
      sending = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    // The next batch is on its way before the callers of this one hear back.
    sending.then(
      () => {
        clearTimeout(stall);
        this.land(flight);
        for (const call of calls) settle(call, () => call.resolve());
      },
      (err: unknown) => {
        clearTimeout(stall);
        this.land(flight);
        this.counters.failures += 1;
        const error = err instanceof Error ? err : new Error(String(err));
        for (const call of calls) settle(call, () => call.reject(error));
      },
    );
  }

  /** The batch in flight is done (or given up on): the next one may go. */
  private land(flight: object): void {
    if (this.inFlight !== flight) return;
    this.inFlight = undefined;
    if (this.queue.length > 0) this.flushNow();
    else this.notifyIfIdle();
  }

  /** Whole calls from the front of the queue, up to the batch limits (always at least one). */
  private take(): PendingCall[] {
    const calls: PendingCall[] = [];
    let messages = 0;
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      const over = messages + next.messages.length > this.options.maxBatchMessages || bytes + next.bytes > this.options.maxBatchBytes;
      if (calls.length > 0 && over) break;
      this.queue.shift();
      this.queuedMessages -= next.messages.length;
      this.queuedBytes -= next.bytes;
      if (next.settled) continue;
      calls.push(next);
      messages += next.messages.length;
      bytes += next.bytes;
    }
    return calls;
  }

  private expire(call: PendingCall): void {
    if (call.settled) return;
    this.counters.timeouts += 1;
    const index = this.queue.indexOf(call);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.queuedMessages -= call.messages.length;
      this.queuedBytes -= call.bytes;
    }
    settle(call, () =>
      call.reject(
        new BusUnavailableError(
          `Kafka did not acknowledge ${call.messages.length} message(s) to ${call.topic} within ${this.options.timeoutMs} ms` +
            (index >= 0 ? ' (never sent)' : ' (sent; they may still land)'),
        ),
      ),
    );
    this.options.onTimeout?.();
    this.notifyIfIdle();
  }

  private idle(): Promise<void> {
    if (!this.inFlight && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIfIdle(): void {
    if (this.inFlight || this.queue.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function settle(call: PendingCall, action: () => void): void {
  if (call.settled) return;
  call.settled = true;
  if (call.timer) clearTimeout(call.timer);
  action();
}

/** One entry per topic, messages in call order. */
function groupByTopic(calls: readonly PendingCall[]): TopicMessages[] {
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const call of calls) {
    let list = byTopic.get(call.topic);
    if (!list) byTopic.set(call.topic, (list = []));
    list.push(...call.messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
