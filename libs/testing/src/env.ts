// Environment variables through which the harness finds (or is told) its services.

export const ENV = {
  /** Admin connection to a PostgreSQL server; test databases are created on it. */
  databaseUrl: 'TEST_DATABASE_URL',
  /** Redis server the tests use (key prefixes keep tests apart). */
  redisUrl: 'TEST_REDIS_URL',
  /** Comma-separated Kafka bootstrap brokers; set by the global setup (kcat mock cluster). */
  kafkaBrokers: 'TEST_KAFKA_BROKERS',
} as const;

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function testDatabaseUrl(): string {
  return process.env[ENV.databaseUrl] || DEFAULT_DATABASE_URL;
}

export function testRedisUrl(): string {
  return process.env[ENV.redisUrl] || DEFAULT_REDIS_URL;
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

/** A short random suffix for names of databases, key prefixes and topics. */
export function randomSuffix(length = 8): string {
  let out = '';
  while (out.length < length) out += Math.random().toString(36).slice(2);
  return out.slice(0, length);
}
