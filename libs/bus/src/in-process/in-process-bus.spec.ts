import { silentBusLog, type BusLog, type BusLogLevel } from '../bus-log';
import type { ConsumedMessage } from '../message-bus.port';
import { describeBusContract } from '../../test';
import { InProcessBus } from './in-process-bus.adapter';

let topicCounter = 0;
const uniqueTopicName = (prefix: string): string => `${prefix}-${process.pid}-${(topicCounter += 1)}`;

describeBusContract('in-process bus', async () => {
  const bus = new InProcessBus({ log: silentBusLog });
  return { bus, partitions: 8, topic: uniqueTopicName, cleanup: () => bus.close() };
});

function collectingLog(): { log: BusLog; entries: Array<{ level: BusLogLevel; message: string; fields?: Readonly<Record<string, unknown>> }> } {
  const entries: Array<{ level: BusLogLevel; message: string; fields?: Readonly<Record<string, unknown>> }> = [];
  return { entries, log: (level, message, fields) => entries.push({ level, message, ...(fields ? { fields } : {}) }) };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
async function eventually(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('in-process bus: what the embedded mode adds', () => {
  let bus: InProcessBus;
  afterEach(() => bus.close());

  it('never runs a handler inside publish(): delivery comes on a later turn of the event loop', async () => {
    bus = new InProcessBus({ log: silentBusLog });
    const seen: string[] = [];
    await bus.subscribe({ groupId: 'sessions', topics: ['calls'] }, async (messages) => {
      seen.push(...messages.map((m) => m.value));
    });
    const publishing = bus.publish('calls', [{ key: 'CS-1', value: 'BootNotification' }]);
    expect(seen).toEqual([]);
    await publishing;
    expect(seen).toEqual([]);
    await eventually(() => seen.length === 1, 'the delivery');
    expect(seen).toEqual(['BootNotification']);
  });

  it('puts a key on the same partition every time, and spreads many keys over all partitions', async () => {
    bus = new InProcessBus({ partitions: 8, log: silentBusLog });
    const received: ConsumedMessage[] = [];
    await bus.subscribe({ groupId: 'g', topics: ['spread'], fromBeginning: true }, async (messages) => {
      received.push(...messages);
    });
    const keys = Array.from({ length: 200 }, (_, i) => `CS-${i}`);
    await bus.publish('spread', keys.map((key) => ({ key, value: 'a' })));
    await bus.publish('spread', keys.map((key) => ({ key, value: 'b' })));
    await eventually(() => received.length === 400, '400 messages');
    for (const key of keys) {
      const partitions = new Set(received.filter((m) => m.key === key).map((m) => m.partition));
      expect([...partitions]).toEqual([bus.partitionOf(key)]);
    }
    expect(new Set(received.map((m) => m.partition)).size).toBe(8);
    expect(new InProcessBus({ partitions: 8 }).partitionOf('CS-42')).toBe(bus.partitionOf('CS-42'));
  });

  it('hands each partition one batch at a time, in order, at most maxBatchSize long', async () => {
    bus = new InProcessBus({ partitions: 1, maxBatchSize: 10, log: silentBusLog });
    let inFlight = 0;
    let maxInFlight = 0;
    const batches: string[][] = [];
    await bus.subscribe({ groupId: 'g', topics: ['t'] }, async (messages) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      batches.push(messages.map((m) => m.value));
      inFlight -= 1;
    });
    for (let i = 0; i < 35; i += 1) await bus.publish('t', [{ key: 'CS-1', value: String(i) }]);
    await eventually(() => batches.flat().length === 35, '35 messages');
    expect(maxInFlight).toBe(1);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(10);
    expect(batches.flat()).toEqual(Array.from({ length: 35 }, (_, i) => String(i)));
  });

  it('rebalances without overlap: a new member waits for the in-flight batch, then continues from the commit', async () => {
    bus = new InProcessBus({ partitions: 2, log: silentBusLog });
    const handledBy: Array<{ member: string; value: string; partition: number }> = [];
    const busy = new Set<number>();
    let overlap = false;
    let releaseSlowBatch: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (releaseSlowBatch = resolve));
    const handler = (member: string) => async (messages: readonly ConsumedMessage[]) => {
      const partition = messages[0]!.partition;
      if (busy.has(partition)) overlap = true;
      busy.add(partition);
      if (member === 'A' && messages.some((m) => m.value === 'first')) await slow;
      handledBy.push(...messages.map((m) => ({ member, value: m.value, partition: m.partition })));
      busy.delete(partition);
    };
    await bus.subscribe({ groupId: 'g', topics: ['t'] }, handler('A'));
    const keys = ['CS-1', 'CS-2', 'CS-3', 'CS-4', 'CS-5', 'CS-6'];
    await bus.publish('t', keys.map((key) => ({ key, value: 'first' })));
    await nextTurn();
    await bus.subscribe({ groupId: 'g', topics: ['t'] }, handler('B'));
    await bus.publish('t', keys.map((key) => ({ key, value: 'second' })));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A still holds both partitions' first batches: B may not start, and nothing overtakes them.
    expect(handledBy).toEqual([]);
    releaseSlowBatch();
    await eventually(() => handledBy.length === 12, 'all 12 messages');
    expect(overlap).toBe(false);
    for (const key of keys) {
      const partition = bus.partitionOf(key);
      const values = handledBy.filter((h) => h.partition === partition).map((h) => h.value);
      expect(values.indexOf('first')).toBeLessThan(values.lastIndexOf('second'));
    }
    expect(new Set(handledBy.filter((h) => h.value === 'second').map((h) => h.member))).toEqual(new Set(['A', 'B']));
    expect(handledBy.filter((h) => h.value === 'first')).toHaveLength(6);
  });

  it('stays bounded: drops what every group has committed, and caps what nobody reads', async () => {
    const { log, entries } = collectingLog();
    bus = new InProcessBus({ partitions: 2, maxRetainedPerPartition: 50, log });
    let handled = 0;
    await bus.subscribe({ groupId: 'fast', topics: ['metering'] }, async (messages) => {
      handled += messages.length;
    });
    let slowHandled = 0;
    let releaseSlow: () => void = () => undefined;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    await bus.subscribe({ groupId: 'slow', topics: ['metering'] }, async (messages) => {
      await slowGate;
      slowHandled += messages.length;
    });
    await bus.publish('metering', Array.from({ length: 40 }, (_, i) => ({ key: `CS-${i}`, value: `mv-${i}` })));
    await eventually(() => handled === 40, 'the fast group');
    // The slow group has not committed: its messages are kept for it.
    expect(bus.retainedMessages('metering')).toBe(40);
    releaseSlow();
    await eventually(() => slowHandled === 40, 'the slow group');
    await eventually(() => bus.retainedMessages('metering') === 0, 'retention to drop committed messages');

    // Nobody reads the dead letters here: the cap keeps them bounded, with a warning.
    await bus.publish('metering.dlq', Array.from({ length: 300 }, (_, i) => ({ key: `CS-${i}`, value: `dead-${i}` })));
    expect(bus.retainedMessages('metering.dlq')).toBeLessThanOrEqual(100);
    expect(bus.retainedMessages('metering.dlq')).toBeGreaterThan(0);
    expect(entries.some((e) => e.level === 'warn' && /retention cap/.test(e.message))).toBe(true);
  });

  it('logs a dead letter as a warning and delivers nothing of a closed subscription', async () => {
    const { log, entries } = collectingLog();
    bus = new InProcessBus({ log });
    const seen: string[] = [];
    const subscription = await bus.subscribe(
      { groupId: 'g', topics: ['calls'], maxAttempts: 2, retryDelayMs: 1, maxRetryDelayMs: 1 },
      async (messages) => {
        if (messages.some((m) => m.value === 'bad')) throw new Error('unparseable payload');
        seen.push(...messages.map((m) => m.value));
      },
    );
    await bus.publish('calls', [{ key: 'CS-1', value: 'bad' }, { key: 'CS-1', value: 'good' }]);
    await eventually(() => seen.includes('good'), 'the good message');
    const warning = entries.find((e) => e.message.includes('dead-lettered'));
    expect(warning?.level).toBe('warn');
    expect(warning?.fields).toMatchObject({ groupId: 'g', topic: 'calls', deadLetterTopic: 'calls.dlq', attempts: 2 });
    expect(bus.retainedMessages('calls.dlq')).toBe(1);

    await subscription.close();
    await bus.publish('calls', [{ key: 'CS-1', value: 'after close' }]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).not.toContain('after close');
  });
});
