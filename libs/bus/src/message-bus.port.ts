/**
 * The event bus between gateways and services: Kafka in production, an in-process log in
 * embedded mode. Both give the same guarantees, checked by one contract suite
 * (libs/bus/test/bus-contract.suite.ts):
 *
 * - publish() resolves only when the bus has durably accepted every message (Kafka: acks=all);
 * - messages with the same key stay in order (same partition);
 * - each consumer group sees every message; members of a group share partitions;
 * - at least once: a batch's offsets are committed only after its handler resolved;
 * - a message that keeps failing goes to the dead-letter topic with the error and is skipped,
 *   so one poison message never blocks its partition.
 */
export interface OutgoingMessage {
  readonly key: string;
  readonly value: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit: kept as decimal strings. */
  readonly offset: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch when the bus accepted the message. */
  readonly timestamp: number;
}

/** One partition's messages, in order. Throwing means none of them is committed. */
export type BatchHandler = (messages: readonly ConsumedMessage[]) => Promise<void>;

export interface SubscribeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** A new group starts at the oldest retained message instead of the newest. */
  readonly fromBeginning?: boolean;
  /** Attempts per message before it is dead-lettered (default 5). */
  readonly maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxRetryDelayMs (defaults 100 / 5000). */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** Where poison messages go (default `${topic}.dlq`). */
  readonly deadLetterTopic?: (topic: string) => string;
}

export interface Subscription {
  /** Stops consuming; resolves after the in-flight batch finished or was abandoned uncommitted. */
  close(): Promise<void>;
}

export interface BusHealth {
  /** False while the bus cannot accept messages (readiness turns false). */
  readonly healthy: boolean;
  readonly detail: string;
}

export interface MessageBus {
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription>;
  health(): BusHealth;
  close(): Promise<void>;
}

/** Headers a dead-lettered message carries, beside its original headers. */
export const DEAD_LETTER_HEADERS = {
  error: 'x-dead-letter-error',
  topic: 'x-dead-letter-topic',
  partition: 'x-dead-letter-partition',
  offset: 'x-dead-letter-offset',
  group: 'x-dead-letter-group',
  attempts: 'x-dead-letter-attempts',
  failedAt: 'x-dead-letter-failed-at',
} as const;

export function defaultDeadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
