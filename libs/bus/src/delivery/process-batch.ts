/**
 * What both adapters do with one partition's batch: the retry, isolation and dead-letter policy
 * of the bus, written once.
 *
 * 1. The whole batch goes to the handler. If it throws, it is tried again after a backoff
 *    (retryDelayMs doubling up to maxRetryDelayMs), WHOLE_BATCH_ATTEMPTS times in all (fewer
 *    when maxAttempts is smaller, so that every message keeps at least one call on its own).
 * 2. Still failing: the messages are handed over one at a time, in order. Those that go through
 *    are done; the first one that keeps failing (maxAttempts counted over every call it was part
 *    of) is published to the dead-letter topic with the DEAD_LETTER_HEADERS and skipped.
 * 3. The messages after it are a new batch: back to step 1.
 * 4. The adapter commits up to the last message handled or dead-lettered, once, at the end; if
 *    the delivery has to stop early (closing, partition reassigned), it commits what was done
 *    and nothing after it, so the rest is delivered again to whoever owns the partition next.
 *
 * A message is dead-lettered only once the dead-letter publish itself succeeded (that publish is
 * retried with the same backoff for as long as it takes), so nothing is skipped without a trace.
 */
import { RetryableError } from '../bus-errors';
import { DEAD_LETTER_HEADERS, type BatchHandler, type ConsumedMessage, type OutgoingMessage } from '../message-bus.port';
import { retryDelay, type DeliveryPolicy } from './delivery-policy';

/** Calls of the whole batch before its messages are tried one by one. */
export const WHOLE_BATCH_ATTEMPTS = 2;
/** The dead-letter error header is cut to this many characters. */
export const MAX_ERROR_HEADER_LENGTH = 1000;

export interface BatchDelivery {
  readonly policy: DeliveryPolicy;
  readonly handler: BatchHandler;
  /** Publishes to the dead-letter topic; a rejection is retried with backoff. */
  deadLetter(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Records that every message up to and including `upTo` is done. A rejection propagates. */
  commit(upTo: ConsumedMessage): Promise<void>;
  /** True once the batch must be given up: consumer closing, partition no longer ours. */
  shouldStop(): boolean;
  /** Aborted when stopping: cuts backoff pauses short. */
  readonly signal?: AbortSignal;
  /** Keeps the consumer's group membership alive (Kafka), while the handler runs and in pauses. */
  heartbeat?(): Promise<void>;
  readonly heartbeatIntervalMs?: number;
  onEvent?(event: DeliveryEvent): void;
  /** For tests: a fake clock. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now?: () => number;
}

export type DeliveryEvent =
  | {
      readonly type: 'attempt-failed';
      readonly messages: readonly ConsumedMessage[];
      readonly attempt: number;
      readonly error: unknown;
      /** Undefined when no retry follows in this phase. */
      readonly retryInMs?: number;
    }
  | { readonly type: 'isolating'; readonly messages: readonly ConsumedMessage[] }
  | {
      readonly type: 'dead-lettered';
      readonly message: ConsumedMessage;
      readonly deadLetterTopic: string;
      readonly attempts: number;
      readonly error: unknown;
    }
  | { readonly type: 'dead-letter-failed'; readonly message: ConsumedMessage; readonly deadLetterTopic: string; readonly error: unknown };

export type BatchOutcome =
  | { readonly status: 'done'; readonly handled: number; readonly deadLettered: number }
  /** Stopped early; everything up to committedUpTo (if any) was handled and committed. */
  | { readonly status: 'abandoned'; readonly handled: number; readonly deadLettered: number; readonly committedUpTo?: string };

type Attempt = { readonly kind: 'ok' } | { readonly kind: 'stopped' } | { readonly kind: 'failed'; readonly attempts: number; readonly error: unknown };

export async function processBatch(messages: readonly ConsumedMessage[], delivery: BatchDelivery): Promise<BatchOutcome> {
  const { maxAttempts } = delivery.policy;
  let pending = messages;
  let handled = 0;
  let deadLettered = 0;
  let done: ConsumedMessage | undefined;

  const abandon = async (): Promise<BatchOutcome> => {
    if (done) await delivery.commit(done);
    return { status: 'abandoned', handled, deadLettered, ...(done ? { committedUpTo: done.offset } : {}) };
  };

  while (pending.length > 0) {
    const single = pending.length === 1;
    // Leave every message at least one call on its own within maxAttempts.
    const wholeAttempts = single ? maxAttempts : Math.min(WHOLE_BATCH_ATTEMPTS, maxAttempts - 1);
    let failure: Extract<Attempt, { kind: 'failed' }> = { kind: 'failed', attempts: 0, error: undefined };
    if (wholeAttempts > 0) {
      const whole = await attempt(delivery, pending, wholeAttempts, 0);
      if (whole.kind === 'stopped') return abandon();
      if (whole.kind === 'ok') {
        handled += pending.length;
        done = pending[pending.length - 1];
        break;
      }
      failure = whole;
    }

    let poisonIndex = 0;
    if (!single) {
      const failedTogether = failure.attempts;
      delivery.onEvent?.({ type: 'isolating', messages: pending });
      if (failedTogether > 0 && !(await pause(delivery, retryDelay(delivery.policy, failedTogether)))) return abandon();
      poisonIndex = -1;
      for (let index = 0; index < pending.length; index += 1) {
        const message = pending[index]!;
        const alone = await attempt(delivery, [message], maxAttempts - failedTogether, failedTogether);
        if (alone.kind === 'stopped') return abandon();
        if (alone.kind === 'ok') {
          handled += 1;
          done = message;
          continue;
        }
        poisonIndex = index;
        failure = alone;
        break;
      }
      if (poisonIndex < 0) break;
    }

    const poison = pending[poisonIndex]!;
    if (!(await deadLetter(delivery, poison, failure.attempts, failure.error))) return abandon();
    deadLettered += 1;
    done = poison;
    pending = pending.slice(poisonIndex + 1);
  }

  if (done) await delivery.commit(done);
  return { status: 'done', handled, deadLettered };
}

/** Calls the handler up to `allowed` times; `failedBefore` failures of these messages came earlier. */
async function attempt(
  delivery: BatchDelivery,
  messages: readonly ConsumedMessage[],
  allowed: number,
  failedBefore: number,
): Promise<Attempt> {
  let failures = failedBefore;
  for (let tries = 1; ; tries += 1) {
    if (delivery.shouldStop()) return { kind: 'stopped' };
    try {
      await callHandler(delivery, messages);
      return { kind: 'ok' };
    } catch (error) {
      failures += 1;
      // Infrastructure failures wait as long as they last; only the message's own faults count.
      if (error instanceof RetryableError) tries -= 1;
      const last = tries >= allowed;
      const retryInMs = last ? undefined : retryDelay(delivery.policy, failures);
      delivery.onEvent?.({ type: 'attempt-failed', messages, attempt: failures, error, ...(retryInMs === undefined ? {} : { retryInMs }) });
      if (retryInMs === undefined) return { kind: 'failed', attempts: failures, error };
      if (!(await pause(delivery, retryInMs))) return { kind: 'stopped' };
    }
  }
}

async function callHandler(delivery: BatchDelivery, messages: readonly ConsumedMessage[]): Promise<void> {
  await heartbeat(delivery);
  const every = delivery.heartbeat ? delivery.heartbeatIntervalMs : undefined;
  const timer = every && every > 0 ? setInterval(() => void heartbeat(delivery), every) : undefined;
  try {
    await delivery.handler(messages);
  } finally {
    if (timer) clearInterval(timer);
  }
}

async function deadLetter(delivery: BatchDelivery, message: ConsumedMessage, attempts: number, error: unknown): Promise<boolean> {
  const { policy } = delivery;
  const topic = policy.deadLetterTopic(message.topic);
  const letter: OutgoingMessage = {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DEAD_LETTER_HEADERS.error]: errorText(error),
      [DEAD_LETTER_HEADERS.topic]: message.topic,
      [DEAD_LETTER_HEADERS.partition]: String(message.partition),
      [DEAD_LETTER_HEADERS.offset]: message.offset,
      [DEAD_LETTER_HEADERS.group]: policy.groupId,
      [DEAD_LETTER_HEADERS.attempts]: String(attempts),
      [DEAD_LETTER_HEADERS.failedAt]: new Date((delivery.now ?? Date.now)()).toISOString(),
    },
  };
  for (let failures = 1; ; failures += 1) {
    if (delivery.shouldStop()) return false;
    try {
      await delivery.deadLetter(topic, [letter]);
      delivery.onEvent?.({ type: 'dead-lettered', message, deadLetterTopic: topic, attempts, error });
      return true;
    } catch (publishError) {
      delivery.onEvent?.({ type: 'dead-letter-failed', message, deadLetterTopic: topic, error: publishError });
      if (!(await pause(delivery, retryDelay(policy, failures)))) return false;
    }
  }
}

/** Waits `ms`, heartbeating; false when the delivery has to stop. */
async function pause(delivery: BatchDelivery, ms: number): Promise<boolean> {
  const sleep = delivery.sleep ?? abortableSleep;
  const slice = delivery.heartbeat && delivery.heartbeatIntervalMs ? delivery.heartbeatIntervalMs : ms;
  let left = ms;
  while (left > 0) {
    if (delivery.shouldStop() || delivery.signal?.aborted) return false;
    const step = Math.min(slice, left);
    await sleep(step, delivery.signal);
    left -= step;
    await heartbeat(delivery);
  }
  return !delivery.shouldStop();
}

/** A heartbeat that fails means the group moved on; shouldStop() reports that, not an exception here. */
async function heartbeat(delivery: BatchDelivery): Promise<void> {
  try {
    await delivery.heartbeat?.();
  } catch {
    // The adapter's shouldStop() turns true when its membership is lost.
  }
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_HEADER_LENGTH ? `${text.slice(0, MAX_ERROR_HEADER_LENGTH - 1)}…` : text;
}
