import Redis from 'ioredis';

export interface RedisClientOptions {
  readonly url: string;
  /** A TCP connect (or TLS handshake) that takes longer fails (default 3000). */
  readonly connectTimeoutMs?: number;
  /** A command without an answer in this time rejects (default 2000): a half-open socket cannot hang a caller. */
  readonly commandTimeoutMs?: number;
  /** Reconnect attempts back off from 50 ms up to this (default 1000). */
  readonly reconnectMaxDelayMs?: number;
  /** CLIENT SETNAME, to find our connections in CLIENT LIST. */
  readonly connectionName?: string;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
export const DEFAULT_RECONNECT_MAX_DELAY_MS = 1_000;

/**
 * An ioredis client that fails fast instead of queueing while Redis is away, and keeps
 * reconnecting in the background:
 *
 * - enableOfflineQueue false: a command issued while disconnected rejects at once;
 * - maxRetriesPerRequest 0 and autoResendUnfulfilledCommands false: commands in flight when the
 *   connection drops reject instead of being replayed later (register/reap/take are not
 *   idempotent: a late replay could hand a station or a command out twice);
 * - commandTimeout: an answer that never comes rejects after commandTimeoutMs;
 * - retryStrategy: reconnect forever, backing off to reconnectMaxDelayMs;
 * - enableAutoPipelining: commands issued in one event-loop turn go out in one write (a storm of
 *   registrations, a batch of replies), a syscall per turn instead of one per command.
 *
 * Created with lazyConnect: call connectRedis() (or connect()) once.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const maxDelay = options.reconnectMaxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS;
  const redis = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    enableReadyCheck: true,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    keepAlive: 10_000,
    enableAutoPipelining: true,
    // disconnect() while reconnecting ends a socket that is already closed and then waits this
    // long for a 'close' that never comes; keep that short so a stopped process exits promptly.
    disconnectTimeout: 200,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt - 1, 10), maxDelay),
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
  });
  // Errors surface through the failing commands and health(); without a listener ioredis prints them.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Connects and waits until the client is ready, retrying while Redis is not there yet, up to
 * `timeoutMs`. On timeout the client is disconnected and the last connection error reported.
 */
export async function connectRedis(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  let lastError: unknown;
  const onError = (error: unknown): void => {
    lastError = error;
  };
  redis.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      redis.once('ready', onReady);
      timer = setTimeout(() => {
        const reason = lastError instanceof Error ? lastError.message : 'no answer';
        reject(new Error(`Redis at ${redactUrl(url)} is not reachable after ${timeoutMs} ms (${reason})`));
      }, timeoutMs);
      if (redis.status === 'wait' || redis.status === 'end') redis.connect().catch(() => undefined);
    });
  } catch (error) {
    if (redis.status !== 'end') redis.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
    redis.off('error', onError);
    if (onReady) redis.off('ready', onReady);
  }
}

/** Closes a client politely when it can (QUIT waits for replies in flight), at once when it cannot. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // fall through: the connection is going away anyway
    }
  }
  if ((redis.status as string) !== 'end') redis.disconnect();
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}
