/**
 * The distributed-mode bus: MessageBus on Kafka through kafkajs 2.2.4 (the one place in the
 * repository that imports kafkajs).
 *
 * - publish(): calls are micro-batched (PublishBatcher) into produce requests with acks=all;
 *   a call resolves only when Kafka acknowledged it and rejects with BusUnavailableError when
 *   that does not happen within publishTimeoutMs.
 * - subscribe(): one kafkajs consumer (one group member) per call, eachBatch with automatic
 *   resolving and committing off; the shared processBatch() handles retries and dead letters,
 *   and an offset counts as processed only after it. Processed offsets are committed by an
 *   OffsetCommitter: every commitIntervalMs, one request at a time, and when the member stops.
 *   A member that leaves or crashes loses nothing: what it had not committed goes to the
 *   partition's next owner and is processed again (handlers are idempotent).
 * - health(): unhealthy while the cluster cannot be reached, judged from every produce request
 *   and from a periodic metadata request; it recovers by itself when the cluster is back.
 */
import {
  Kafka,
  Partitioners,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type KafkaMessage,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import {
  BusClosedError,
  BusUnavailableError,
  assertPublishable,
  deliveryPolicy,
  errorFields,
  logDeliveryEvent,
  processBatch,
  stderrBusLog,
  type BatchHandler,
  type BusHealth,
  type BusLog,
  type ConsumedMessage,
  type DeliveryEvent,
  type DeliveryPolicy,
  type MessageBus,
  type OutgoingMessage,
  type SubscribeOptions,
  type Subscription,
} from '@evcsms/bus';
import type { Env } from '@evcsms/config';
import { kafkaLogCreator, logDeduper, toKafkajsLogLevel, type LogDeduper } from './kafka-log';
import { kafkaBusOptionsFromEnv, resolveKafkaBusOptions, type KafkaBusOptions, type ResolvedKafkaBusOptions } from './kafka-bus.options';
import { PublishBatcher, type PublishBatcherStats, type TopicMessages } from './publish-batcher';
import { OffsetCommitter, type PartitionOffset } from './offset-committer';

/** Retries kafkajs itself makes per request: short, so a dead cluster is reported in seconds. */
const CLIENT_RETRY = { initialRetryTime: 100, maxRetryTime: 1000, retries: 5 } as const;
/** While unhealthy, reachability is checked at least this often. */
const UNHEALTHY_CHECK_INTERVAL_MS = 1000;
/** Longest pause between attempts to bring back a consumer kafkajs gave up on. */
const MAX_CONSUMER_RESTART_DELAY_MS = 30_000;

/** Errors that say "the cluster cannot be reached", as opposed to "Kafka refused these messages". */
const UNREACHABLE_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSGroupCoordinatorNotFound',
  'BusUnavailableError',
]);

export interface KafkaBusStats extends PublishBatcherStats {
  readonly subscriptions: number;
}

export function kafkaBusFromEnv(env: Env, overrides: Partial<KafkaBusOptions> = {}): KafkaBus {
  return new KafkaBus({ ...kafkaBusOptionsFromEnv(env), ...overrides });
}

export class KafkaBus implements MessageBus {
  readonly options: ResolvedKafkaBusOptions;
  private readonly log: BusLog;
  /** Shared by kafkajs' entries and the adapter's own repetitive ones (consumer crashes). */
  private readonly deduper: LogDeduper = logDeduper();
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly batcher: PublishBatcher;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private admin?: Admin;
  private adminConnected = false;
  private producerConnected?: Promise<void>;
  private status: { healthy: boolean; detail: string; since?: number } = { healthy: false, detail: 'not connected yet' };
  private started = false;
  private probeTimer?: NodeJS.Timeout;
  private probing = false;
  private closed = false;
  private closing?: Promise<void>;

  constructor(options: KafkaBusOptions) {
    this.options = resolveKafkaBusOptions(options);
    this.log = options.log ?? stderrBusLog;
    const o = this.options;
    this.kafka = new Kafka({
      clientId: o.clientId,
      brokers: [...o.brokers],
      ssl: o.ssl,
      ...(o.sasl ? { sasl: o.sasl as SASLOptions } : {}),
      connectionTimeout: o.connectionTimeoutMs,
      requestTimeout: o.requestTimeoutMs,
      retry: CLIENT_RETRY,
      logLevel: toKafkajsLogLevel(o.logLevel),
      logCreator: kafkaLogCreator(this.log, this.deduper),
    });
    // Not idempotent: kafkajs finds the controller for InitProducerId, and the mock cluster the
    // tests run against reports none. Redelivery is covered by idempotent handlers anyway.
    this.producer = this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: true,
      // With one batch in flight this keeps a retried request from overtaking the next one.
      maxInFlightRequests: 1,
      retry: CLIENT_RETRY,
    });
    this.batcher = new PublishBatcher({
      lingerMs: o.lingerMs,
      maxBatchMessages: o.maxBatchMessages,
      maxBatchBytes: o.maxBatchBytes,
      timeoutMs: o.publishTimeoutMs,
      send: (batch) => this.send(batch),
      onTimeout: () => this.markUnhealthy(new BusUnavailableError(`no acknowledgement within ${o.publishTimeoutMs} ms`)),
    });
  }

  /** Connects the producer and starts the health checks; publish() and subscribe() do it on first use. */
  async connect(): Promise<void> {
    if (this.closed) throw new BusClosedError();
    this.start();
    await this.connectProducer();
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new BusClosedError();
    assertPublishable(topic, messages);
    if (messages.length === 0) return;
    this.start();
    await this.batcher.publish(topic, messages);
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    if (this.closed) throw new BusClosedError();
    const policy = deliveryPolicy(options);
    if (typeof handler !== 'function') throw new TypeError('subscribe: handler must be a function');
    this.start();
    const subscription = new KafkaSubscription(this.kafka, this.options, policy, handler, this.log, this.deduper, (topic, letters) =>
      this.publish(topic, letters),
    );
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (err) {
      this.subscriptions.delete(subscription);
      throw err;
    }
    return {
      close: async () => {
        await subscription.close();
        this.subscriptions.delete(subscription);
      },
    };
  }

  health(): BusHealth {
    if (this.closed) return { healthy: false, detail: 'Kafka bus closed' };
    return { healthy: this.status.healthy, detail: this.status.detail };
  }

  stats(): KafkaBusStats {
    return { ...this.batcher.stats, subscriptions: this.subscriptions.size };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      if (this.probeTimer) clearTimeout(this.probeTimer);
      await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
      this.subscriptions.clear();
      await this.batcher.close();
      await this.producer.disconnect().catch(() => undefined);
      if (this.admin) await this.admin.disconnect().catch(() => undefined);
    })();
    return this.closing;
  }

  private start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.connectProducer().catch(() => undefined);
    this.scheduleProbe(0);
  }

  private connectProducer(): Promise<void> {
    this.producerConnected ??= this.producer.connect().then(
      () => this.markHealthy(),
      (err: unknown) => {
        this.producerConnected = undefined;
        this.markUnhealthy(err);
        throw new BusUnavailableError(`cannot connect to Kafka at ${this.options.brokers.join(',')}: ${messageOf(err)}`, { cause: err });
      },
    );
    return this.producerConnected;
  }

  private async send(batch: readonly TopicMessages[]): Promise<void> {
    await this.connectProducer();
    const started = Date.now();
    try {
      await this.producer.sendBatch({
        acks: -1,
        timeout: this.options.publishTimeoutMs,
        topicMessages: batch.map(({ topic, messages }) => ({
          topic,
          messages: messages.map((m) => ({ key: m.key, value: m.value, ...(m.headers ? { headers: { ...m.headers } } : {}) })),
        })),
      });
      // An answer that came after the callers' deadline does not make the cluster healthy.
      if (Date.now() - started <= this.options.publishTimeoutMs) this.markHealthy();
    } catch (err) {
      if (isUnreachable(err)) {
        this.markUnhealthy(err);
        throw new BusUnavailableError(`Kafka did not accept the messages: ${messageOf(err)}`, { cause: err });
      }
      throw new Error(`Kafka refused the messages: ${messageOf(err)}`, { cause: err });
    }
  }

  private scheduleProbe(delayMs: number): void {
    if (this.closed) return;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => void this.probe(), delayMs);
    this.probeTimer.unref();
  }

  /** A metadata request: cheap, and answered only by a reachable cluster. */
  private async probe(): Promise<void> {
    if (this.probing || this.closed) return;
    this.probing = true;
    try {
      this.admin ??= this.kafka.admin({ retry: { retries: 0 } });
      if (!this.adminConnected) {
        await this.admin.connect();
        this.adminConnected = true;
      }
      // A cluster that answers slower than a publish may wait cannot accept messages either.
      await withTimeout(this.admin.describeCluster(), this.options.publishTimeoutMs, 'metadata request');
      this.markHealthy();
      if (!this.producerConnected) this.connectProducer().catch(() => undefined);
    } catch (err) {
      this.markUnhealthy(err);
    } finally {
      this.probing = false;
      const interval = this.options.healthCheckIntervalMs;
      this.scheduleProbe(this.status.healthy ? interval : Math.min(interval, UNHEALTHY_CHECK_INTERVAL_MS));
    }
  }

  private markHealthy(): void {
    if (this.closed) return;
    if (!this.status.healthy && this.status.since !== undefined) {
      this.log('info', 'Kafka is reachable again', { brokers: this.options.brokers, unreachableForMs: Date.now() - this.status.since });
    }
    this.status = { healthy: true, detail: `Kafka reachable at ${this.options.brokers.join(',')}` };
  }

  private markUnhealthy(err: unknown): void {
    if (this.closed) return;
    const since = this.status.healthy || this.status.since === undefined ? Date.now() : this.status.since;
    if (this.status.healthy) this.log('warn', 'Kafka is unreachable', { brokers: this.options.brokers, error: errorFields(err) });
    this.status = {
      healthy: false,
      since,
      detail: `Kafka unreachable at ${this.options.brokers.join(',')} since ${new Date(since).toISOString()}: ${messageOf(err)}`,
    };
  }
}

/** One group member: a kafkajs consumer running the shared batch processing. */
class KafkaSubscription {
  private consumer?: Consumer;
  private closing = false;
  private closed?: Promise<void>;
  private readonly abort = new AbortController();
  private restartTimer?: NodeJS.Timeout;
  private restartDelayMs = 1000;
  private starting?: ConsumingSignal;
  private committer?: OffsetCommitter;
  /** The latest batch's commit function (all batches of one consumer share its group). */
  private commitThrough?: EachBatchPayload['commitOffsetsIfNecessary'];

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ResolvedKafkaBusOptions,
    private readonly policy: DeliveryPolicy,
    private readonly handler: BatchHandler,
    private readonly log: BusLog,
    private readonly deduper: LogDeduper,
    private readonly deadLetter: (topic: string, messages: readonly OutgoingMessage[]) => Promise<void>,
  ) {}

  /** Resolves once the member joined its group and fetched: from then on nothing published is missed. */
  async start(): Promise<void> {
    const consumer = this.createConsumer();
    const ready = consumingSignal(consumer, this.options.consumer.joinTimeoutMs);
    this.starting = ready;
    try {
      await this.run(consumer);
      await ready.promise;
    } catch (err) {
      ready.cancel();
      this.closing = true;
      await consumer.disconnect().catch(() => undefined);
      throw err instanceof BusUnavailableError || err instanceof BusClosedError
        ? err
        : new BusUnavailableError(`cannot join consumer group ${this.policy.groupId}: ${messageOf(err)}`, { cause: err });
    } finally {
      this.starting = undefined;
    }
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      this.abort.abort();
      this.starting?.cancel(new BusClosedError('closed before the consumer joined its group'));
      if (this.restartTimer) clearTimeout(this.restartTimer);
      // What finished batches processed since the last commit; a batch still in flight flushes itself.
      await this.committer?.flush();
      // kafkajs waits for the batch in flight, which stops at its next check and commits what it
      // processed (eachBatch flushes while closing), then leaves the group.
      await this.consumer?.disconnect().catch(() => undefined);
    })();
    return this.closed;
  }

  private createConsumer(): Consumer {
    const c = this.options.consumer;
    const consumer = this.kafka.consumer({
      groupId: this.policy.groupId,
      sessionTimeout: c.sessionTimeout,
      rebalanceTimeout: c.rebalanceTimeout,
      heartbeatInterval: c.heartbeatInterval,
      maxWaitTimeInMs: c.maxWaitTimeInMs,
      maxBytesPerPartition: c.maxBytesPerPartition,
      allowAutoTopicCreation: true,
      // kafkajs may be mid-restart when close() comes; this keeps it from starting again after.
      retry: { restartOnFailure: () => Promise.resolve(!this.closing) },
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      const held = this.deduper.admit(`crash|${this.policy.groupId}|${error.message}`);
      if (held !== undefined && !this.closing) {
        this.log(restart ? 'warn' : 'error', 'Kafka consumer crashed', {
          groupId: this.policy.groupId,
          restartedBy: restart ? 'kafkajs' : 'bus',
          error: errorFields(error),
          ...(held > 0 ? { repeatedSinceLast: held } : {}),
        });
      }
      if (!restart && consumer === this.consumer) this.scheduleRestart();
    });
    this.consumer = consumer;
    const committer = new OffsetCommitter(
      this.options.consumer.commitIntervalMs,
      (offsets) => this.commitOffsets(offsets),
      (error, offsets) =>
        this.log('warn', 'Kafka offset commit failed; those messages will be delivered again', { groupId: this.policy.groupId, partitions: offsets.length, error: errorFields(error) }),
    );
    consumer.on(consumer.events.GROUP_JOIN, () => committer.clear());
    this.committer = committer;
    return consumer;
  }

  private async run(consumer: Consumer): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.policy.topics], fromBeginning: this.policy.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.consumer.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /** kafkajs gave up on the consumer (a crash it does not retry): start a new one, with backoff. */
  private scheduleRestart(): void {
    if (this.closing) return;
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(delay * 2, MAX_CONSUMER_RESTART_DELAY_MS);
    this.restartTimer = setTimeout(() => {
      if (this.closing) return;
      const consumer = this.createConsumer();
      this.run(consumer).then(
        () => {
          this.restartDelayMs = 1000;
        },
        (err: unknown) => {
          this.log('error', 'Kafka consumer restart failed', { groupId: this.policy.groupId, error: errorFields(err) });
          void consumer.disconnect().catch(() => undefined);
          this.scheduleRestart();
        },
      );
    }, delay);
  }

  /**
   * Through a batch's payload: it commits through the consumer group directly, also while the
   * consumer is stopping (consumer.commitOffsets() silently does nothing then, which would lose
   * the last positions at every shutdown).
   */
  private async commitOffsets(offsets: readonly PartitionOffset[]): Promise<void> {
    const commit = this.commitThrough;
    if (!commit) throw new Error('no batch has been delivered yet');
    const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const { topic, partition, offset } of offsets) byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset }]);
    await commit({ topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const committer = this.committer!;
    this.commitThrough = (offsets) => payload.commitOffsetsIfNecessary(offsets);
    if (batch.isEmpty()) return;
    const { topic, partition } = batch;
    const messages = batch.messages.map((message) => toConsumedMessage(topic, partition, message));
    let lost: unknown;
    const outcome = await processBatch(messages, {
      policy: this.policy,
      handler: this.handler,
      deadLetter: this.deadLetter,
      commit: async (upTo) => {
        payload.resolveOffset(upTo.offset);
        committer.processed({ topic, partition, offset: (BigInt(upTo.offset) + 1n).toString() });
        await (this.closing ? committer.flush() : committer.commitIfDue());
      },
      shouldStop: () => this.closing || lost !== undefined || !payload.isRunning() || payload.isStale(),
      signal: this.abort.signal,
      heartbeat: async () => {
        try {
          await payload.heartbeat();
        } catch (err) {
          lost ??= err;
          throw err;
        }
      },
      heartbeatIntervalMs: this.options.consumer.heartbeatInterval,
      onEvent: (event) => this.logDelivery(event),
    });
    // The group moved on while we retried: let kafkajs rejoin; the uncommitted rest is redelivered.
    if (lost !== undefined && outcome.status === 'abandoned') throw lost instanceof Error ? lost : new Error(messageOf(lost));
  }

  private logDelivery(event: DeliveryEvent): void {
    logDeliveryEvent(this.log, 'Kafka bus', this.policy.groupId, event);
  }

}

interface ConsumingSignal {
  readonly promise: Promise<void>;
  /** Stops waiting; with an error, the promise rejects with it. */
  cancel(error?: Error): void;
}

/** Resolves at the member's first fetch after joining its group: its positions are settled then. */
function consumingSignal(consumer: Consumer, timeoutMs: number): ConsumingSignal {
  let cancel: (error?: Error) => void = () => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    let joined = false;
    const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    const offFetch = consumer.on(consumer.events.FETCH, () => {
      if (!joined) return;
      cancel();
      resolve();
    });
    const timer = setTimeout(() => {
      cancel(new BusUnavailableError(`consumer did not join its group and fetch within ${timeoutMs} ms`));
    }, timeoutMs);
    cancel = (error) => {
      clearTimeout(timer);
      offJoin();
      offFetch();
      if (error) reject(error);
    };
  });
  return { promise, cancel: (error) => cancel(error) };
}

function toConsumedMessage(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? '',
    value: message.value?.toString('utf8') ?? '',
    headers: toHeaders(message.headers),
    timestamp: Number(message.timestamp),
  };
}

function toHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}

function isUnreachable(err: unknown): boolean {
  for (let current = err, depth = 0; current instanceof Error && depth < 8; depth += 1) {
    if (UNREACHABLE_ERRORS.has(current.name)) return true;
    if ((current as { retriable?: unknown }).retriable === true) return true;
    current = (current as { cause?: unknown; originalError?: unknown }).cause ?? (current as { originalError?: unknown }).originalError;
  }
  return false;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BusUnavailableError(`${what} not answered within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
