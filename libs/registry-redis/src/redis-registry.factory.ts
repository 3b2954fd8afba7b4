import { ConfigError, type Env, envInt, envOptional, envString } from '@evcsms/config';
import { closeRedis, connectRedis, createRedisClient, type RedisClientOptions } from './redis-client';
import { type RegistryLogger, RedisConnectionRegistry } from './redis-connection-registry.adapter';
import { DEFAULT_KEY_PREFIX } from './redis-keys';
import { RedisPendingCommandStore } from './redis-pending-command-store.adapter';
import { RedisPodChannel } from './redis-pod-channel.adapter';

export interface RedisRegistryOptions extends Omit<RedisClientOptions, 'connectionName'> {
  /** Put in front of every key and channel (default "csms:"). */
  readonly keyPrefix?: string;
  /** How long start-up waits for Redis before giving up (default 10 000). */
  readonly startTimeoutMs?: number;
  readonly resetCheckIntervalMs?: number;
  readonly completedRetentionMs?: number;
  readonly logger?: RegistryLogger;
}

/** The three Redis adapters over two connections (commands, and a dedicated subscriber). */
export interface RedisRegistry {
  readonly registry: RedisConnectionRegistry;
  readonly channel: RedisPodChannel;
  readonly pendingCommands: RedisPendingCommandStore;
  /** Unhealthy while either connection is down. */
  health(): { readonly healthy: boolean; readonly detail: string };
  close(): Promise<void>;
}

export const DEFAULT_START_TIMEOUT_MS = 10_000;

/** Connects (waiting up to startTimeoutMs for Redis), learns the registry epoch and builds the adapters. */
export async function createRedisRegistry(options: RedisRegistryOptions): Promise<RedisRegistry> {
  const { keyPrefix = DEFAULT_KEY_PREFIX, startTimeoutMs = DEFAULT_START_TIMEOUT_MS, logger } = options;
  const redis = createRedisClient({ ...options, connectionName: 'evcsms-registry' });
  const subscriber = createRedisClient({ ...options, connectionName: 'evcsms-registry-sub' });
  try {
    await Promise.all([connectRedis(redis, options.url, startTimeoutMs), connectRedis(subscriber, options.url, startTimeoutMs)]);
  } catch (error) {
    await Promise.all([closeRedis(redis), closeRedis(subscriber)]);
    throw error;
  }
  const registry = new RedisConnectionRegistry({
    redis,
    keyPrefix,
    ...(options.resetCheckIntervalMs === undefined ? {} : { resetCheckIntervalMs: options.resetCheckIntervalMs }),
    ...(logger ? { logger } : {}),
  });
  const channel = new RedisPodChannel({ publisher: redis, subscriber, keyPrefix, ...(logger ? { logger } : {}) });
  const pendingCommands = new RedisPendingCommandStore({
    redis,
    keyPrefix,
    ...(options.completedRetentionMs === undefined ? {} : { completedRetentionMs: options.completedRetentionMs }),
  });
  try {
    // The epoch seen now is the one later checks compare against.
    await registry.checkReset();
  } catch (error) {
    await registry.close();
    await Promise.all([closeRedis(redis), closeRedis(subscriber)]);
    throw error;
  }
  return {
    registry,
    channel,
    pendingCommands,
    health() {
      const commands = registry.health();
      const messages = channel.health();
      return { healthy: commands.healthy && messages.healthy, detail: `${commands.detail}; ${messages.detail}` };
    },
    async close() {
      await registry.close();
      await channel.close();
      await Promise.all([closeRedis(redis), closeRedis(subscriber)]);
    },
  };
}

/**
 * REDIS_URL (required; redis:// or rediss://, credentials in the URL), REDIS_KEY_PREFIX (default
 * "csms:"), REDIS_COMMAND_TIMEOUT_MS (default 2000), REDIS_CONNECT_TIMEOUT_MS (default 3000).
 */
export function redisRegistryOptionsFromEnv(env: Env): RedisRegistryOptions {
  const url = envOptional(env, 'REDIS_URL');
  if (!url) throw new ConfigError('REDIS_URL', 'required for the Redis registry (e.g. redis://redis:6379)');
  if (!/^rediss?:\/\//.test(url)) throw new ConfigError('REDIS_URL', 'expected a redis:// or rediss:// URL');
  return {
    url,
    keyPrefix: envString(env, 'REDIS_KEY_PREFIX', DEFAULT_KEY_PREFIX),
    commandTimeoutMs: envInt(env, 'REDIS_COMMAND_TIMEOUT_MS', 2_000, { min: 50, max: 60_000 }),
    connectTimeoutMs: envInt(env, 'REDIS_CONNECT_TIMEOUT_MS', 3_000, { min: 50, max: 60_000 }),
  };
}

/** The Redis registry configured from the environment (see redisRegistryOptionsFromEnv). */
export async function redisRegistryFromEnv(env: Env, extra: { readonly logger?: RegistryLogger } = {}): Promise<RedisRegistry> {
  return await createRedisRegistry({ ...redisRegistryOptionsFromEnv(env), ...extra });
}
