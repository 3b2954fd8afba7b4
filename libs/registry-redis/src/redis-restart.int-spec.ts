import { freePort, OwnRedisServer as OwnRedis } from '@evcsms/testing';
import { eventually, location } from '@evcsms/registry/testing';
import { createRedisRegistry, type RedisRegistry } from './redis-registry.factory';

const COMMAND_TIMEOUT_MS = 800;
/** What "bounded" means here: the command timeout plus slack for a loaded machine. */
const REJECT_WITHIN_MS = COMMAND_TIMEOUT_MS + 1_200;

/** How long `promise` took to reject; fails if it resolved. */
async function rejectionTime(promise: Promise<unknown>): Promise<number> {
  const started = Date.now();
  try {
    await promise;
  } catch {
    return Date.now() - started;
  }
  throw new Error('expected the call to reject');
}

describe('Redis registry through a Redis crash and restart', () => {
  let server: OwnRedis;
  const opened: RedisRegistry[] = [];

  async function open(): Promise<RedisRegistry> {
    const adapters = await createRedisRegistry({
      url: server.url,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
      connectTimeoutMs: 500,
      reconnectMaxDelayMs: 100,
      resetCheckIntervalMs: 0,
      startTimeoutMs: 5_000,
    });
    opened.push(adapters);
    return adapters;
  }

  beforeEach(async () => {
    server = new OwnRedis(await freePort());
    await server.start();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((adapters) => adapters.close()));
    await server.stop();
  });

  it('goes unhealthy, rejects calls promptly while Redis is down, and after the restart re-registers through onReset and hears its channel again', async () => {
    const pod = await open();
    const sender = await open();
    const held = location('CP-1', 'pod-a');
    let resets = 0;
    pod.registry.onReset(() => {
      resets += 1;
      // What the gateway does: renew the lease, then register every station it holds.
      void pod.registry
        .renewPodLease('pod-a', 30_000)
        .then(() => pod.registry.register(held))
        .catch(() => undefined);
    });
    const received: string[] = [];
    await pod.channel.listen('pod-a', (message) => received.push(message));
    await pod.registry.renewPodLease('pod-a', 30_000);
    await pod.registry.register(held);
    await pod.pendingCommands.enqueue({
      commandId: 'cmd-1',
      stationId: 'CP-9',
      action: 'Reset',
      payload: {},
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(pod.registry.health().healthy).toBe(true);

    await server.crash();

    await eventually(() => !pod.registry.health().healthy && !pod.health().healthy, 'the registry to report unhealthy');
    expect(pod.registry.health().detail).toMatch(/^redis (reconnecting|connect|close)/);
    const waits = await Promise.all([
      rejectionTime(pod.registry.lookup('CP-1')),
      rejectionTime(pod.registry.register(location('CP-2', 'pod-a'))),
      rejectionTime(pod.registry.renewPodLease('pod-a', 30_000)),
      rejectionTime(pod.registry.reapDeadPods()),
      rejectionTime(sender.channel.send('pod-a', 'while down')),
      rejectionTime(pod.pendingCommands.takeDue('CP-9')),
      rejectionTime(pod.channel.listen('pod-b', () => undefined)),
    ]);
    for (const wait of waits) expect(wait).toBeLessThan(REJECT_WITHIN_MS);

    await server.start();

    await eventually(() => pod.registry.health().healthy && pod.health().healthy && sender.health().healthy, 'the registry to be healthy again', 10_000);
    await eventually(() => resets === 1, 'onReset after Redis came back empty', 5_000);
    await eventually(async () => (await sender.registry.lookup('CP-1'))?.connectionId === held.connectionId, 'CP-1 registered again', 5_000);
    // The restarted Redis kept nothing: the queued command is gone (run Redis with AOF to keep it).
    expect(await pod.pendingCommands.get('cmd-1')).toBeUndefined();
    // ioredis subscribed again by itself; keep sending until the subscription is back.
    await eventually(
      async () => {
        await sender.channel.send('pod-a', 'after restart');
        return received.includes('after restart');
      },
      'the pod channel to deliver again',
      5_000,
    );
    expect(received.every((message) => message === 'after restart')).toBe(true);
    expect(resets).toBe(1);
  });

  it('a Redis that stops answering (frozen process, socket still open) makes calls reject after the command timeout', async () => {
    const pod = await open();
    await pod.registry.renewPodLease('pod-a', 30_000);
    await pod.registry.register(location('CP-1', 'pod-a'));

    await server.freeze();
    try {
      const waits = await Promise.all([
        rejectionTime(pod.registry.lookup('CP-1')),
        rejectionTime(pod.registry.renewPodLease('pod-a', 30_000)),
        rejectionTime(pod.channel.send('pod-a', 'x')),
      ]);
      for (const wait of waits) {
        expect(wait).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 50);
        expect(wait).toBeLessThan(REJECT_WITHIN_MS);
      }
    } finally {
      await server.thaw();
    }

    expect((await pod.registry.lookup('CP-1'))?.stationId).toBe('CP-1');
  });

  it('a pod that starts while Redis is still coming up waits for it instead of failing', async () => {
    await server.crash();
    const starting = open();
    await new Promise((resolve) => setTimeout(resolve, 300));

    await server.start();
    const pod = await starting;

    await pod.registry.renewPodLease('pod-a', 30_000);
    expect(pod.health().healthy).toBe(true);
  });
});
