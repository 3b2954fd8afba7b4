import { ConfigError, envBool, envEnum, envInt, envList, envOptional, envString, type Env } from '@evcsms/config';
import type { BusLog } from '@evcsms/bus';

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';
export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** Per-subscription kafkajs consumer settings (kafkajs' own names). */
export interface KafkaConsumerOptions {
  readonly sessionTimeout?: number;
  readonly rebalanceTimeout?: number;
  readonly heartbeatInterval?: number;
  /** Longest a fetch waits on the broker when there is nothing new. */
  readonly maxWaitTimeInMs?: number;
  readonly maxBytesPerPartition?: number;
  /** Partitions of one member handled at the same time (each still one batch at a time, in order). */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Processed offsets are committed one request at a time (concurrent commits throttle the
   * consumer), each carrying every partition's latest position: after every batch with 0 (the
   * default), else at most this often and when the member stops. Above 0 fewer round trips, but
   * what was processed and not yet committed when the group rebalances or the member crashes is
   * delivered again (handlers are idempotent, yet it is work done twice).
   */
  readonly commitIntervalMs?: number;
  /** subscribe() rejects when the member has not joined its group and fetched within this time. */
  readonly joinTimeoutMs?: number;
}

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  readonly ssl?: boolean;
  readonly sasl?: { readonly mechanism: KafkaSaslMechanism; readonly username: string; readonly password: string };
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** publish() rejects with BusUnavailableError when Kafka has not acknowledged within this time. */
  readonly publishTimeoutMs?: number;
  /** How long the first publish() waits for others to share its produce request. */
  readonly lingerMs?: number;
  readonly maxBatchMessages?: number;
  readonly maxBatchBytes?: number;
  /** How often reachability is checked while healthy (every second at most while not). */
  readonly healthCheckIntervalMs?: number;
  readonly consumer?: KafkaConsumerOptions;
  /** kafkajs' own log level (default 'error'). */
  readonly logLevel?: KafkaLogLevel;
  /** Where kafkajs and the adapter log (default: warnings and errors as JSON lines on stderr). */
  readonly log?: BusLog;
}

export const KAFKA_BUS_DEFAULTS = {
  clientId: 'evcsms',
  connectionTimeoutMs: 3000,
  requestTimeoutMs: 10_000,
  publishTimeoutMs: 10_000,
  lingerMs: 2,
  maxBatchMessages: 1000,
  maxBatchBytes: 900_000,
  healthCheckIntervalMs: 5000,
  logLevel: 'error',
  consumer: {
    sessionTimeout: 30_000,
    rebalanceTimeout: 60_000,
    heartbeatInterval: 3000,
    maxWaitTimeInMs: 1000,
    maxBytesPerPartition: 1_048_576,
    partitionsConsumedConcurrently: 4,
    commitIntervalMs: 0,
    joinTimeoutMs: 60_000,
  },
} as const satisfies Omit<Required<KafkaBusOptions>, 'brokers' | 'ssl' | 'sasl' | 'log'> & { consumer: Required<KafkaConsumerOptions> };

const BROKER = /^[^\s:,]+:\d{1,5}$|^\[[0-9a-fA-F:.]+\]:\d{1,5}$/;
const LOG_LEVELS: readonly KafkaLogLevel[] = ['nothing', 'error', 'warn', 'info', 'debug'];
const SASL_MECHANISMS: readonly KafkaSaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

/**
 * Reads the Kafka settings of a distributed deployment:
 *
 *   KAFKA_BROKERS            host:port[,host:port...]   (required)
 *   KAFKA_CLIENT_ID          default "evcsms"
 *   KAFKA_SSL                true|false, default false
 *   KAFKA_SASL_MECHANISM     plain|scram-sha-256|scram-sha-512, with KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD
 *   KAFKA_PUBLISH_TIMEOUT_MS, KAFKA_LINGER_MS, KAFKA_MAX_BATCH_MESSAGES, KAFKA_CONNECTION_TIMEOUT_MS,
 *   KAFKA_REQUEST_TIMEOUT_MS, KAFKA_HEALTH_CHECK_INTERVAL_MS, KAFKA_SESSION_TIMEOUT_MS,
 *   KAFKA_REBALANCE_TIMEOUT_MS, KAFKA_HEARTBEAT_INTERVAL_MS, KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
 *   KAFKA_COMMIT_INTERVAL_MS,
 *   KAFKA_LOG_LEVEL          nothing|error|warn|info|debug, default error
 */
export function kafkaBusOptionsFromEnv(env: Env): KafkaBusOptions {
  const d = KAFKA_BUS_DEFAULTS;
  const brokers = envList(env, 'KAFKA_BROKERS', []);
  if (brokers.length === 0) throw new ConfigError('KAFKA_BROKERS', 'required: a comma-separated list of host:port');
  for (const broker of brokers) {
    if (!BROKER.test(broker)) throw new ConfigError('KAFKA_BROKERS', `expected host:port, got "${broker}"`);
  }
  const mechanism = envOptional(env, 'KAFKA_SASL_MECHANISM');
  let sasl: KafkaBusOptions['sasl'];
  if (mechanism !== undefined) {
    const checked = envEnum(env, 'KAFKA_SASL_MECHANISM', SASL_MECHANISMS, 'plain');
    const username = envOptional(env, 'KAFKA_SASL_USERNAME');
    const password = envOptional(env, 'KAFKA_SASL_PASSWORD');
    if (!username) throw new ConfigError('KAFKA_SASL_USERNAME', `required with KAFKA_SASL_MECHANISM=${checked}`);
    if (!password) throw new ConfigError('KAFKA_SASL_PASSWORD', `required with KAFKA_SASL_MECHANISM=${checked}`);
    sasl = { mechanism: checked, username, password };
  }
  const ms = (name: string, fallback: number, min = 0): number => envInt(env, name, fallback, { min });
  return {
    brokers,
    clientId: envString(env, 'KAFKA_CLIENT_ID', d.clientId),
    ssl: envBool(env, 'KAFKA_SSL', false),
    ...(sasl ? { sasl } : {}),
    connectionTimeoutMs: ms('KAFKA_CONNECTION_TIMEOUT_MS', d.connectionTimeoutMs, 1),
    requestTimeoutMs: ms('KAFKA_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 1),
    publishTimeoutMs: ms('KAFKA_PUBLISH_TIMEOUT_MS', d.publishTimeoutMs, 1),
    lingerMs: ms('KAFKA_LINGER_MS', d.lingerMs),
    maxBatchMessages: ms('KAFKA_MAX_BATCH_MESSAGES', d.maxBatchMessages, 1),
    healthCheckIntervalMs: ms('KAFKA_HEALTH_CHECK_INTERVAL_MS', d.healthCheckIntervalMs, 100),
    logLevel: envEnum(env, 'KAFKA_LOG_LEVEL', LOG_LEVELS, d.logLevel),
    consumer: {
      sessionTimeout: ms('KAFKA_SESSION_TIMEOUT_MS', d.consumer.sessionTimeout, 1000),
      rebalanceTimeout: ms('KAFKA_REBALANCE_TIMEOUT_MS', d.consumer.rebalanceTimeout, 1000),
      heartbeatInterval: ms('KAFKA_HEARTBEAT_INTERVAL_MS', d.consumer.heartbeatInterval, 100),
      partitionsConsumedConcurrently: ms('KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY', d.consumer.partitionsConsumedConcurrently, 1),
      commitIntervalMs: ms('KAFKA_COMMIT_INTERVAL_MS', d.consumer.commitIntervalMs, 0),
    },
  };
}

export type ResolvedKafkaBusOptions = Omit<Required<KafkaBusOptions>, 'sasl' | 'log' | 'consumer'> & {
  readonly sasl?: KafkaBusOptions['sasl'];
  readonly consumer: Required<KafkaConsumerOptions>;
};

export function resolveKafkaBusOptions(options: KafkaBusOptions): ResolvedKafkaBusOptions {
  const d = KAFKA_BUS_DEFAULTS;
  const brokers: unknown = options.brokers;
  if (!Array.isArray(brokers) || brokers.length === 0) throw new TypeError('KafkaBus: brokers must list at least one host:port');
  const resolved: ResolvedKafkaBusOptions = {
    brokers: [...options.brokers],
    clientId: options.clientId ?? d.clientId,
    ssl: options.ssl ?? false,
    ...(options.sasl ? { sasl: options.sasl } : {}),
    connectionTimeoutMs: options.connectionTimeoutMs ?? d.connectionTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? d.requestTimeoutMs,
    publishTimeoutMs: options.publishTimeoutMs ?? d.publishTimeoutMs,
    lingerMs: options.lingerMs ?? d.lingerMs,
    maxBatchMessages: options.maxBatchMessages ?? d.maxBatchMessages,
    maxBatchBytes: options.maxBatchBytes ?? d.maxBatchBytes,
    healthCheckIntervalMs: options.healthCheckIntervalMs ?? d.healthCheckIntervalMs,
    logLevel: options.logLevel ?? d.logLevel,
    consumer: { ...d.consumer, ...options.consumer },
  };
  const c = resolved.consumer;
  if (c.heartbeatInterval * 3 > c.sessionTimeout) {
    throw new RangeError(`KafkaBus: heartbeatInterval (${c.heartbeatInterval}) must be at most a third of sessionTimeout (${c.sessionTimeout})`);
  }
  if (!Number.isInteger(c.partitionsConsumedConcurrently) || c.partitionsConsumedConcurrently < 1) {
    throw new RangeError(`KafkaBus: partitionsConsumedConcurrently must be a positive integer, got ${c.partitionsConsumedConcurrently}`);
  }
  if (!Number.isInteger(c.commitIntervalMs) || c.commitIntervalMs < 0) {
    throw new RangeError(`KafkaBus: commitIntervalMs must be a whole number of milliseconds >= 0, got ${c.commitIntervalMs}`);
  }
  return resolved;
}
