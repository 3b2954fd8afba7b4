import { defaultDeadLetterTopic, type SubscribeOptions } from '../message-bus.port';
import { assertTopicName } from '../publish-validation';

/** SubscribeOptions with the defaults applied and checked: what processBatch() works from. */
export interface DeliveryPolicy {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly deadLetterTopic: (topic: string) => string;
}

export const DELIVERY_DEFAULTS = { maxAttempts: 5, retryDelayMs: 100, maxRetryDelayMs: 5000 } as const;

export function deliveryPolicy(options: SubscribeOptions): DeliveryPolicy {
  const { groupId, topics } = options;
  if (typeof groupId !== 'string' || groupId.trim() === '') throw new TypeError('subscribe: groupId must be a non-empty string');
  if (!Array.isArray(topics) || topics.length === 0) throw new TypeError('subscribe: topics must name at least one topic');
  topics.forEach(assertTopicName);
  const maxAttempts = options.maxAttempts ?? DELIVERY_DEFAULTS.maxAttempts;
  const retryDelayMs = options.retryDelayMs ?? DELIVERY_DEFAULTS.retryDelayMs;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? Math.max(DELIVERY_DEFAULTS.maxRetryDelayMs, retryDelayMs);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`subscribe: maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  if (!Number.isFinite(retryDelayMs) || retryDelayMs < 0) throw new RangeError(`subscribe: retryDelayMs must be >= 0, got ${retryDelayMs}`);
  if (!Number.isFinite(maxRetryDelayMs) || maxRetryDelayMs < retryDelayMs) {
    throw new RangeError(`subscribe: maxRetryDelayMs must be >= retryDelayMs (${retryDelayMs}), got ${maxRetryDelayMs}`);
  }
  return {
    groupId,
    topics: [...new Set(topics)],
    fromBeginning: options.fromBeginning ?? false,
    maxAttempts,
    retryDelayMs,
    maxRetryDelayMs,
    deadLetterTopic: options.deadLetterTopic ?? defaultDeadLetterTopic,
  };
}

/** The pause after the n-th failed attempt (n >= 1): retryDelayMs doubling, capped. */
export function retryDelay(policy: Pick<DeliveryPolicy, 'retryDelayMs' | 'maxRetryDelayMs'>, failedAttempts: number): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  return Math.min(policy.retryDelayMs * 2 ** exponent, policy.maxRetryDelayMs);
}
