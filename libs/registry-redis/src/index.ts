// @evcsms/registry-redis: the connection registry, pod channels and pending commands in Redis
// (docs/registry.md). The one place in the repository that imports ioredis.
export { RedisConnectionRegistry, DEFAULT_RESET_CHECK_INTERVAL_MS, type RedisConnectionRegistryOptions, type RegistryLogger } from './redis-connection-registry.adapter';
export { RedisPodChannel, type RedisPodChannelOptions } from './redis-pod-channel.adapter';
export { RedisPendingCommandStore, type RedisPendingCommandStoreOptions } from './redis-pending-command-store.adapter';
export {
  createRedisRegistry,
  redisRegistryFromEnv,
  redisRegistryOptionsFromEnv,
  DEFAULT_START_TIMEOUT_MS,
  type RedisRegistry,
  type RedisRegistryOptions,
} from './redis-registry.factory';
export {
  createRedisClient,
  connectRedis,
  closeRedis,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_RECONNECT_MAX_DELAY_MS,
  type RedisClientOptions,
} from './redis-client';
export { RegistryKeys, DEFAULT_KEY_PREFIX } from './redis-keys';
