import { InProcessBus, type MessageBus } from '@evcsms/bus';
import { kafkaBusFromEnv } from '@evcsms/bus-kafka';
import type { Env } from '@evcsms/config';
import type { Logger } from '@evcsms/logging';
import type { MetricsRegistry } from '@evcsms/metrics';
import {
  InProcessConnectionRegistry,
  InProcessPendingCommandStore,
  InProcessPodChannel,
  type ConnectionRegistry,
  type PendingCommandStore,
  type PodChannel,
} from '@evcsms/registry';
import { redisRegistryFromEnv } from '@evcsms/registry-redis';
import { MeteredBus } from './metered-bus';

/** The shared infrastructure a process talks to: the bus and the connection registry. */
export interface Spine {
  readonly bus: MessageBus;
  readonly registry: ConnectionRegistry;
  readonly channel: PodChannel;
  readonly pendingCommands: PendingCommandStore;
  readonly registryHealth: () => { readonly healthy: boolean; readonly detail: string };
  /** Which adapters run, for the start-up log. */
  readonly mode: { readonly bus: 'kafka' | 'in-process'; readonly registry: 'redis' | 'in-process' };
  close(): Promise<void>;
}

/**
 * KAFKA_BROKERS switches the bus to Kafka and REDIS_URL the registry to Redis; without them the
 * same code runs on the in-process adapters (embedded mode). Nothing else changes. With
 * `metrics`, the bus's traffic is counted per topic.
 */
export async function spineFromEnv(env: Env, logger: Logger, metrics?: MetricsRegistry): Promise<Spine> {
  const kafka = env['KAFKA_BROKERS']?.trim() ? kafkaBusFromEnv(env) : undefined;
  const adapter: MessageBus = kafka ?? new InProcessBus();
  const bus: MessageBus = metrics ? new MeteredBus(adapter, metrics) : adapter;
  if (kafka) await kafka.connect();

  if (env['REDIS_URL']?.trim()) {
    const redis = await redisRegistryFromEnv(env, { logger });
    return {
      bus,
      registry: redis.registry,
      channel: redis.channel,
      pendingCommands: redis.pendingCommands,
      registryHealth: () => redis.health(),
      mode: { bus: kafka ? 'kafka' : 'in-process', registry: 'redis' },
      close: async () => {
        await bus.close();
        await redis.close();
      },
    };
  }
  const registry = new InProcessConnectionRegistry();
  return {
    bus,
    registry,
    channel: new InProcessPodChannel(),
    pendingCommands: new InProcessPendingCommandStore(),
    registryHealth: () => registry.health(),
    mode: { bus: kafka ? 'kafka' : 'in-process', registry: 'in-process' },
    close: () => bus.close(),
  };
}
