import { InProcessBus } from '@evcsms/bus';
import { createMetricsRegistry } from '@evcsms/metrics';
import { MeteredBus } from './metered-bus';

describe('MeteredBus', () => {
  it('counts published messages per topic and consumed ones per topic and group, once their handler succeeded', async () => {
    const metrics = createMetricsRegistry({ processMetrics: false });
    const inner = new InProcessBus();
    const bus = new MeteredBus(inner, metrics);
    let failOnce = true;
    const handled: string[] = [];
    await bus.subscribe({ groupId: 'g1', topics: ['calls'], fromBeginning: true, retryDelayMs: 1 }, async (batch) => {
      if (failOnce) {
        failOnce = false;
        throw new Error('first attempt fails: the batch is redelivered');
      }
      handled.push(...batch.map((message) => message.value));
    });
    await bus.publish('calls', [
      { key: 'CS-1', value: 'a' },
      { key: 'CS-1', value: 'b' },
    ]);
    await bus.publish('other', [{ key: 'CS-2', value: 'c' }]);
    for (let i = 0; i < 100 && handled.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(handled).toEqual(['a', 'b']);
    const rendered = await metrics.render();
    expect(rendered).toContain('csms_bus_messages_published_total{topic="calls"} 2');
    expect(rendered).toContain('csms_bus_messages_published_total{topic="other"} 1');
    expect(rendered).toContain('csms_bus_messages_consumed_total{topic="calls",group="g1"} 2');
    await bus.close();
  });

  it('counts the messages of a failed publish and still throws', async () => {
    const metrics = createMetricsRegistry({ processMetrics: false });
    const bus = new MeteredBus(new InProcessBus(), metrics);
    await bus.close();
    await expect(bus.publish('calls', [{ key: 'CS-1', value: 'a' }])).rejects.toThrow();
    expect(await metrics.render()).toContain('csms_bus_publish_failures_total{topic="calls"} 1');
  });
});
