import { createMetricsRegistry } from './metrics-registry';

describe('metrics registry', () => {
  it('adds a bound counter handle to the counter at scrape time, beside plain increments', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    const messages = registry.counter('test_messages_total', 'messages', ['action'] as const);
    const heartbeat = messages.bind({ action: 'Heartbeat' });
    heartbeat.inc();
    heartbeat.inc(2);
    messages.inc({ action: 'Heartbeat' });
    messages.inc({ action: 'BootNotification' });
    const first = await registry.render();
    expect(first).toContain('test_messages_total{action="Heartbeat"} 4');
    expect(first).toContain('test_messages_total{action="BootNotification"} 1');
    heartbeat.inc();
    expect(await registry.render()).toContain('test_messages_total{action="Heartbeat"} 5');
  });

  it('names no process gauge like a counter (promtool: non-counter metrics should not have "_total" suffix)', async () => {
    const rendered = await createMetricsRegistry().render();
    const gauges = [...rendered.matchAll(/^# TYPE (\S+) gauge$/gm)].map((match) => match[1]);
    expect(gauges).toContain('nodejs_active_handles');
    expect(gauges.filter((name) => name!.endsWith('_total'))).toEqual([]);
  });

  it('renders default labels on every series', async () => {
    const registry = createMetricsRegistry({ processMetrics: false, defaultLabels: { pod: 'gw-1' } });
    registry.counter('test_total', 'test').inc();
    expect(await registry.render()).toContain('test_total{pod="gw-1"} 1');
  });
});
