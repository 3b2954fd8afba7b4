import { createRedisNamespace, deleteKeysWithPrefix, freePort, type RedisNamespace, withRedisClient } from '@evcsms/testing';
import {
  type ContractStore,
  describePendingCommandStoreContract,
  describePodChannelContract,
  describeRegistryContract,
  eventually,
  location,
  stationIds,
} from '@evcsms/registry/testing';
import { createRedisRegistry, type RedisRegistry, type RedisRegistryOptions, redisRegistryFromEnv } from './redis-registry.factory';

/** A store = one test namespace on the shared server; each client() = another process's connections. */
async function redisStore<T>(pick: (adapters: RedisRegistry) => T, options: Partial<RedisRegistryOptions> = {}): Promise<ContractStore<T>> {
  const namespace = await createRedisNamespace();
  const opened: RedisRegistry[] = [];
  return {
    async client() {
      const adapters = await createRedisRegistry({ url: namespace.url, keyPrefix: namespace.prefix, startTimeoutMs: 5_000, ...options });
      opened.push(adapters);
      return pick(adapters);
    },
    async close() {
      await Promise.all(opened.splice(0).map((adapters) => adapters.close()));
      await namespace.cleanup();
    },
  };
}

describeRegistryContract('redis', () => redisStore((adapters) => adapters.registry));
describePodChannelContract('redis', () => redisStore((adapters) => adapters.channel));
describePendingCommandStoreContract('redis', (options) => redisStore((adapters) => adapters.pendingCommands, options));

describe('Redis registry at scale and in its keyspace', () => {
  let namespace: RedisNamespace;
  const opened: RedisRegistry[] = [];

  async function open(options: Partial<RedisRegistryOptions> = {}): Promise<RedisRegistry> {
    const adapters = await createRedisRegistry({ url: namespace.url, keyPrefix: namespace.prefix, ...options });
    opened.push(adapters);
    return adapters;
  }

  /** Every key under the namespace with its PTTL (-1 = no expiry). */
  function keysWithTtl(prefix = namespace.prefix): Promise<Map<string, number>> {
    return withRedisClient(async (redis) => {
      const found = new Map<string, number>();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) found.set(key.slice(prefix.length), await redis.pttl(key));
      } while (cursor !== '0');
      return found;
    }, namespace.url);
  }

  beforeEach(async () => {
    namespace = await createRedisNamespace();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((adapters) => adapters.close()));
    await namespace.cleanup();
  });

  it('a boot storm of 5,000 concurrent registrations from four pods leaves every station findable on its own pod', async () => {
    const pods = await Promise.all(['pod-0', 'pod-1', 'pod-2', 'pod-3'].map(async (podId) => ({ podId, adapters: await open() })));
    await Promise.all(pods.map(({ podId, adapters }) => adapters.registry.renewPodLease(podId, 30_000)));
    const locations = stationIds('CP', 5_000).map((id, i) => location(id, pods[i % 4]!.podId));

    const previous = await Promise.all(locations.map((entry, i) => pods[i % 4]!.adapters.registry.register(entry)));

    expect(previous.every((p) => p === undefined)).toBe(true);
    const reader = pods[0]!.adapters.registry;
    const found = await Promise.all(locations.map((entry) => reader.lookup(entry.stationId)));
    expect(found).toEqual(locations);
    let listed = 0;
    let cursor: string | null | undefined;
    do {
      const page = await reader.list({ limit: 1_000, podId: 'pod-2', ...(cursor ? { cursor } : {}) });
      expect(page.items.every((item) => item.podId === 'pod-2')).toBe(true);
      listed += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(listed).toBe(1_250);
  });

  it('a pod with 5,000 stations that dies is reaped in one piece by one of several reapers', async () => {
    const dying = await open();
    await dying.registry.renewPodLease('pod-dying', 200);
    const locations = stationIds('CP', 5_000).map((id) => location(id, 'pod-dying'));
    await Promise.all(locations.map((entry) => dying.registry.register(entry)));
    await new Promise((resolve) => setTimeout(resolve, 350));

    const reapers = await Promise.all([open(), open(), open()]);
    const results = await Promise.all(reapers.map((reaper) => reaper.registry.reapDeadPods()));

    const winners = results.filter((dead) => dead.length > 0);
    expect(winners).toHaveLength(1);
    expect(winners[0]![0]!.stations).toHaveLength(5_000);
    const keys = await keysWithTtl();
    expect([...keys.keys()].filter((key) => key.startsWith('reg:station:') || key.startsWith('reg:pod:'))).toEqual([]);
  });

  it('leases and pending commands carry TTLs, so Redis does not grow with dead pods or old commands', async () => {
    const adapters = await open({ completedRetentionMs: 60_000 });
    await adapters.registry.renewPodLease('pod-a', 15_000);
    await adapters.registry.register(location('CP-1', 'pod-a'));
    const now = Date.now();
    const base = { stationId: 'CP-1', action: 'Reset', payload: {}, createdAt: new Date(now).toISOString() };
    await adapters.pendingCommands.enqueue({ ...base, commandId: 'done', expiresAt: new Date(now + 3_600_000).toISOString() });
    await adapters.pendingCommands.enqueue({ ...base, commandId: 'waiting', stationId: 'CP-2', expiresAt: new Date(now + 3_600_000).toISOString() });
    await adapters.pendingCommands.takeDue('CP-1');
    await adapters.pendingCommands.complete('done', 'Delivered', { status: 'Accepted' });

    const keys = await keysWithTtl();

    expect(keys.get('reg:lease:pod-a')).toBeGreaterThan(10_000);
    expect(keys.get('reg:lease:pod-a')).toBeLessThanOrEqual(15_000);
    expect(keys.get('cmd:done')).toBeGreaterThan(50_000);
    expect(keys.get('cmd:done')).toBeLessThanOrEqual(60_000);
    expect(keys.get('cmd:waiting')).toBeGreaterThan(3_600_000);
    expect(keys.get('cmdq:CP-2')).toBeGreaterThan(3_600_000);
    expect(keys.has('cmdq:CP-1')).toBe(false);
    // What has no TTL: the registry's own entries (removed by unregister/release/reap) and two bookkeeping keys.
    const permanent = [...keys].filter(([, ttl]) => ttl === -1).map(([key]) => key).sort();
    expect(permanent).toEqual(['cmdseq', 'reg:epoch', 'reg:pod:pod-a', 'reg:pods', 'reg:station:CP-1', 'reg:stations']);
  });

  it('two key prefixes on one server do not see each other', async () => {
    const other = await createRedisNamespace();
    try {
      const mine = await open();
      const theirs = await createRedisRegistry({ url: other.url, keyPrefix: other.prefix });
      opened.push(theirs);
      await mine.registry.renewPodLease('pod-a', 30_000);
      await theirs.registry.renewPodLease('pod-a', 30_000);
      const entry = location('CP-1', 'pod-a');
      await mine.registry.register(entry);
      const got: string[] = [];
      await theirs.channel.listen('pod-a', (message) => got.push(message));
      await mine.channel.listen('pod-a', (message) => got.push(`mine:${message}`));

      await mine.channel.send('pod-a', 'hello');

      expect(await theirs.registry.lookup('CP-1')).toBeUndefined();
      expect(await mine.registry.lookup('CP-1')).toEqual(entry);
      await eventually(() => got.length > 0, 'the message');
      expect(got).toEqual(['mine:hello']);
    } finally {
      await other.cleanup();
    }
  });

  it('when the registry keys are wiped under a running pod, onReset fires and the pod registers again', async () => {
    const adapters = await open({ resetCheckIntervalMs: 100 });
    const { registry } = adapters;
    const held = location('CP-1', 'pod-a');
    let resets = 0;
    registry.onReset(() => {
      resets += 1;
      void registry.renewPodLease('pod-a', 30_000).then(() => registry.register(held));
    });
    await registry.renewPodLease('pod-a', 30_000);
    await registry.register(held);

    await withRedisClient((redis) => deleteKeysWithPrefix(redis, namespace.prefix), namespace.url);

    await eventually(() => resets === 1, 'onReset after the wipe');
    await eventually(async () => (await registry.lookup('CP-1'))?.connectionId === held.connectionId, 'CP-1 registered again');
    expect(resets).toBe(1);
  });

  it('configured from the environment: REDIS_URL and REDIS_KEY_PREFIX', async () => {
    const adapters = await redisRegistryFromEnv({ REDIS_URL: namespace.url, REDIS_KEY_PREFIX: namespace.prefix });
    opened.push(adapters);
    await adapters.registry.renewPodLease('pod-env', 30_000);

    expect(adapters.health().healthy).toBe(true);
    expect((await keysWithTtl()).has('reg:lease:pod-env')).toBe(true);
    await expect(redisRegistryFromEnv({})).rejects.toThrow(/REDIS_URL/);
  });

  it('start-up gives up, in bounded time and with a clear message, when Redis is not there', async () => {
    const port = await freePort();
    const started = Date.now();

    await expect(createRedisRegistry({ url: `redis://127.0.0.1:${port}`, startTimeoutMs: 500 })).rejects.toThrow(
      new RegExp(`Redis at redis://127\\.0\\.0\\.1:${port}/? is not reachable after 500 ms`),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
