// Real Redis for tests: each test gets its own key prefix on the shared server.
// The harness itself needs a Redis client (lint exception: docs/testing.md).
import Redis, { type RedisOptions } from 'ioredis';
import { DEFAULT_REDIS_URL, ENV, randomSuffix, redactUrl, testRedisUrl } from './env';

export interface RedisNamespace {
  /** The Redis server URL (env TEST_REDIS_URL, default redis://127.0.0.1:6379). */
  url: string;
  /**
   * Unique prefix, e.g. "evcsms:test:4242:k3j9x2ab:". Put it in front of every key and
   * pub/sub channel the test touches (ioredis: `new Redis(url, { keyPrefix: prefix })`;
   * keyPrefix does not apply to channel names or to patterns in SCAN/KEYS).
   */
  prefix: string;
  /** Deletes every key under the prefix (SCAN + UNLINK, never KEYS). Returns how many. */
  cleanup(): Promise<number>;
}

/** ioredis options that fail fast instead of retrying forever while a test waits. */
export const FAIL_FAST_REDIS_OPTIONS: RedisOptions = {
  lazyConnect: true,
  connectTimeout: 5000,
  maxRetriesPerRequest: 0,
  enableOfflineQueue: false,
  retryStrategy: () => null,
};

function unreachable(url: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message || err.name : String(err);
  return new Error(
    `Redis is not reachable at ${redactUrl(url)} (${reason}). Integration and e2e tests need a real server: ` +
      `set ${ENV.redisUrl} (default ${DEFAULT_REDIS_URL}) or start the local one: redis-server --daemonize yes ` +
      `--bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log ` +
      `(bash .ci/run installs and starts it).`,
  );
}

/** Runs `fn` with a connected client and always disconnects it. Fails loudly when Redis is unreachable. */
export async function withRedisClient<T>(fn: (redis: Redis) => Promise<T>, url = testRedisUrl()): Promise<T> {
  const redis = new Redis(url, FAIL_FAST_REDIS_OPTIONS);
  redis.on('error', () => undefined); // surfaced through connect() or the failing command
  try {
    try {
      await redis.connect();
    } catch (err) {
      throw unreachable(url, err);
    }
    return await fn(redis);
  } finally {
    // After a failed connect the client is already 'end'; disconnect() would then leave a 2 s
    // timer of ioredis's behind (its stream never emits 'close' again) and delay jest's exit.
    if (redis.status !== 'end') redis.disconnect();
  }
}

/** PINGs the server and returns its version. Used by the global setup. */
export async function checkRedis(url = testRedisUrl()): Promise<string> {
  return withRedisClient(async (redis) => {
    const pong: string = await redis.ping();
    if (pong !== 'PONG') throw unreachable(url, new Error(`PING answered ${pong}`));
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  }, url);
}

/** Deletes all keys matching `${prefix}*` with SCAN + UNLINK. Returns how many were deleted. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  if (!prefix) throw new Error('deleteKeysWithPrefix: refusing an empty prefix');
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/**
 * A fresh key namespace on the test Redis server (checked reachable first).
 *
 *   let ns: RedisNamespace;
 *   beforeEach(async () => { ns = await createRedisNamespace(); });
 *   afterEach(() => ns.cleanup());
 */
export async function createRedisNamespace(options: { url?: string } = {}): Promise<RedisNamespace> {
  const url = options.url ?? testRedisUrl();
  await checkRedis(url);
  const prefix = `evcsms:test:${process.pid}:${randomSuffix(8)}:`;
  return {
    url,
    prefix,
    cleanup: () => withRedisClient((redis) => deleteKeysWithPrefix(redis, prefix), url),
  };
}
