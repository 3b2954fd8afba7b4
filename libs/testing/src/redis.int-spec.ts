// Real Redis client (lint exception: docs/testing.md).
import Redis from 'ioredis';
import { createRedisNamespace, type RedisNamespace } from './redis';

describe('createRedisNamespace (real Redis)', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(process.env.TEST_REDIS_URL!);
  });
  afterAll(() => redis?.quit());

  it('gives each namespace its own prefix and cleans up only its own keys', async () => {
    const a: RedisNamespace = await createRedisNamespace();
    const b: RedisNamespace = await createRedisNamespace();
    expect(a.prefix).not.toBe(b.prefix);
    expect(a.url).toBe(process.env.TEST_REDIS_URL);
    try {
      // More keys than one SCAN page, to prove cleanup walks the whole cursor.
      const pipeline = redis.pipeline();
      for (let i = 0; i < 2500; i++) pipeline.set(`${a.prefix}key:${i}`, String(i));
      pipeline.hset(`${a.prefix}station:CS-1`, 'pod', 'gw-1');
      pipeline.set(`${b.prefix}key:0`, 'b');
      await pipeline.exec();

      expect(await a.cleanup()).toBe(2501);
      expect(await redis.exists(`${a.prefix}key:0`, `${a.prefix}station:CS-1`)).toBe(0);
      expect(await redis.get(`${b.prefix}key:0`)).toBe('b');
      expect(await a.cleanup()).toBe(0);
    } finally {
      await b.cleanup();
    }
    expect(await redis.exists(`${b.prefix}key:0`)).toBe(0);
  });

  it('works with ioredis keyPrefix', async () => {
    const ns = await createRedisNamespace();
    const scoped = new Redis(ns.url, { keyPrefix: ns.prefix });
    try {
      await scoped.set('registry:CS-9', 'pod-a', 'PX', 60_000);
      expect(await redis.get(`${ns.prefix}registry:CS-9`)).toBe('pod-a');
      expect(await ns.cleanup()).toBe(1);
      expect(await scoped.get('registry:CS-9')).toBeNull();
    } finally {
      await scoped.quit();
    }
  });

  it('fails loudly when Redis cannot be reached', async () => {
    await expect(createRedisNamespace({ url: 'redis://127.0.0.1:1' })).rejects.toThrow(
      /Redis is not reachable at redis:\/\/127\.0\.0\.1:1.*TEST_REDIS_URL/s,
    );
  });
});
