import { InProcessBus } from '@evcsms/bus';
import { DEFAULT_GATEWAY_OPTIONS, InMemoryCredentialStore } from '@evcsms/gateway';
import { silentLogger } from '@evcsms/logging';
import { createMetricsRegistry } from '@evcsms/metrics';
import { createRedisRegistry, type RedisRegistry } from '@evcsms/registry-redis';
import { freePort, OwnRedisServer, RawOcppClient, waitFor } from '@evcsms/testing';
import { selectEngine } from '@evcsms/ws-engine';
import { GatewayNode } from './gateway-node';

/** Redis restarts empty: the gateway registers its stations again and commands flow by themselves. */
describe('a gateway whose Redis restarts', () => {
  jest.setTimeout(60_000);
  let redis: OwnRedisServer;
  let registry: RedisRegistry;
  let requester: RedisRegistry;
  let node: GatewayNode;
  let requesterNode: GatewayNode;
  let client: RawOcppClient;
  const bus = new InProcessBus();

  function gatewayNode(podId: string, adapters: RedisRegistry): GatewayNode {
    return new GatewayNode(
      {
        gateway: { ...DEFAULT_GATEWAY_OPTIONS, host: '127.0.0.1', port: 0, podId, unknownStations: 'accept', allowSecurityProfile0: true },
        leaseMs: 2_000,
        replyTimeoutMs: 3_000,
      },
      {
        engine: selectEngine('ws').engine,
        credentials: new InMemoryCredentialStore(),
        bus,
        registry: adapters.registry,
        registryHealth: () => adapters.health(),
        channel: adapters.channel,
        pendingCommands: adapters.pendingCommands,
        metrics: createMetricsRegistry({ processMetrics: false }),
        logger: silentLogger,
      },
    );
  }

  beforeAll(async () => {
    redis = new OwnRedisServer(await freePort());
    await redis.start();
    const options = { url: redis.url, keyPrefix: 'restart:', commandTimeoutMs: 800, resetCheckIntervalMs: 200 };
    [registry, requester] = await Promise.all([createRedisRegistry(options), createRedisRegistry(options)]);
    node = gatewayNode('pod-holder', registry);
    requesterNode = gatewayNode('pod-requester', requester);
    const { port } = await node.start();
    await requesterNode.start();
    client = await RawOcppClient.connect(`ws://127.0.0.1:${port}/ocpp/CP-REDIS`, { protocols: ['ocpp1.6'] });
    await waitFor(async () => (await registry.registry.lookup('CP-REDIS')) !== undefined, { description: 'registered', timeoutMs: 5_000 });
  });

  afterAll(async () => {
    client?.terminate();
    await requesterNode?.close();
    await node?.close();
    await Promise.all([registry?.close(), requester?.close()]);
    await redis?.stop();
    await bus.close();
  });

  it('re-registers the station after Redis comes back empty, and a command from another pod reaches it again', async () => {
    await redis.crash();
    await waitFor(() => !node.gateway.readiness().ready, { description: 'not ready while Redis is down', timeoutMs: 10_000 });
    expect(client.closeCode).toBeUndefined();
    await redis.start();

    await waitFor(async () => (await requester.registry.lookup('CP-REDIS').catch(() => undefined))?.podId === 'pod-holder', {
      description: 'the station registered again',
      timeoutMs: 20_000,
    });
    await waitFor(() => node.gateway.readiness().ready, { description: 'ready again', timeoutMs: 10_000 });
    const pending = requesterNode.router.send('CP-REDIS', 'ClearCache', {}, { timeoutMs: 5_000 });
    const [, messageId] = await client.expectCall('ClearCache', 10_000);
    client.sendFrame([3, messageId, { status: 'Accepted' }]);
    await expect(pending).resolves.toEqual({ status: 'result', payload: { status: 'Accepted' } });
  });
});
