import type { BatchHandler, BusHealth, MessageBus, OutgoingMessage, SubscribeOptions, Subscription } from '@evcsms/bus';
import type { BoundCounter, CounterMetric, MetricsRegistry } from '@evcsms/metrics';

/**
 * The bus with its traffic counted: messages published (and publishes that failed) per topic,
 * messages consumed per topic and consumer group, counted once their batch handler succeeded.
 * Counting is per batch, with label sets bound once per topic: nothing allocated per message.
 */
export class MeteredBus implements MessageBus {
  private readonly published: BoundCounters;
  private readonly publishFailures: BoundCounters;
  private readonly consumed: CounterMetric<'topic' | 'group'>;

  constructor(
    private readonly inner: MessageBus,
    registry: MetricsRegistry,
  ) {
    this.published = new BoundCounters(registry.counter('csms_bus_messages_published_total', 'Messages the bus accepted, by topic', ['topic'] as const));
    this.publishFailures = new BoundCounters(registry.counter('csms_bus_publish_failures_total', 'Messages of publishes that failed, by topic', ['topic'] as const));
    this.consumed = registry.counter('csms_bus_messages_consumed_total', 'Messages handled by a consumer group (batch handler succeeded), by topic', ['topic', 'group'] as const);
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    try {
      await this.inner.publish(topic, messages);
    } catch (error) {
      this.publishFailures.of(topic).inc(messages.length);
      throw error;
    }
    this.published.of(topic).inc(messages.length);
  }

  subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    const byTopic = new Map<string, BoundCounter>();
    return this.inner.subscribe(options, async (batch) => {
      await handler(batch);
      const topic = batch[0]?.topic;
      if (topic === undefined) return;
      let counter = byTopic.get(topic);
      if (!counter) byTopic.set(topic, (counter = this.consumed.bind({ topic, group: options.groupId })));
      counter.inc(batch.length);
    });
  }

  health(): BusHealth {
    return this.inner.health();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** One bound counter per topic (topics are a handful of fixed names). */
class BoundCounters {
  private readonly bound = new Map<string, BoundCounter>();

  constructor(private readonly counter: CounterMetric<'topic'>) {}

  of(topic: string): BoundCounter {
    let counter = this.bound.get(topic);
    if (!counter) this.bound.set(topic, (counter = this.counter.bind({ topic })));
    return counter;
  }
}
