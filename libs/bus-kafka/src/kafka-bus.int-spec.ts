import { BusUnavailableError, type BatchHandler, type BusLog, type ConsumedMessage, type OutgoingMessage } from '@evcsms/bus';
import { describeBusContract } from '@evcsms/bus/testing';
import {
  kafkaBrokers,
  KAFKAJS_TEST_CONSUMER_OPTIONS,
  startKafkaMockCluster,
  uniqueTopic,
  waitFor,
  type KafkaMockCluster,
} from '@evcsms/testing';
import { KafkaBus } from './kafka-bus.adapter';

jest.setTimeout(60_000);

const TEST_CONSUMER = { ...KAFKAJS_TEST_CONSUMER_OPTIONS, joinTimeoutMs: 30_000 };
const debugLog: BusLog = (level, message, fields) => {
  if (process.env['BUS_TEST_LOG']) process.stderr.write(`[bus-test] ${level} ${message} ${JSON.stringify(fields ?? {})}\n`);
};

describeBusContract(
  'Kafka bus (kafkajs 2.2.4 on the mock cluster)',
  async () => {
    const bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'bus-contract', consumer: TEST_CONSUMER, healthCheckIntervalMs: 500, log: debugLog });
    return { bus, partitions: 4, topic: (prefix) => uniqueTopic(`bus-${prefix}`), cleanup: () => bus.close() };
  },
  { waitMs: 30_000, settleMs: 500, testTimeoutMs: 60_000 },
);

interface LogEntry {
  level: string;
  message: string;
  fields?: Readonly<Record<string, unknown>>;
}

function collectingLog(): { log: BusLog; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    log: (level, message, fields) => {
      entries.push({ level, message, ...(fields ? { fields } : {}) });
      debugLog(level, message, fields);
    },
  };
}

/** A handler recording what it handled, by value. */
function recorder(): { handler: BatchHandler; values: string[]; batches: ConsumedMessage[][] } {
  const values: string[] = [];
  const batches: ConsumedMessage[][] = [];
  return {
    values,
    batches,
    handler: async (messages) => {
      batches.push([...messages]);
      values.push(...messages.map((m) => m.value));
    },
  };
}

const messages = (prefix: string, count: number): OutgoingMessage[] =>
  Array.from({ length: count }, (_, i) => ({ key: `CS-${i % 10}`, value: `${prefix}-${i}` }));

describe('Kafka bus: a cluster outage', () => {
  let cluster: KafkaMockCluster | undefined;
  let bus: KafkaBus | undefined;
  afterEach(async () => {
    await bus?.close();
    await cluster?.stop();
  });

  it('turns unhealthy, fails publishes within the timeout, then recovers by itself and loses nothing', async () => {
    cluster = await startKafkaMockCluster({ partitions: 4 });
    const topic = uniqueTopic('outage');
    await cluster.createTopic(topic);
    const { log, entries } = collectingLog();
    const consoleWrites = jest.spyOn(process.stderr, 'write');
    const stdoutWrites = jest.spyOn(process.stdout, 'write');
    const publishTimeoutMs = 2000;
    bus = new KafkaBus({ brokers: cluster.brokers, clientId: 'bus-outage', publishTimeoutMs, healthCheckIntervalMs: 200, consumer: TEST_CONSUMER, log });

    const live = recorder();
    await bus.subscribe({ groupId: 'sessions', topics: [topic], fromBeginning: true }, live.handler);
    const before = messages('before', 30);
    await bus.publish(topic, before);
    expect(bus.health().healthy).toBe(true);
    await waitFor(() => live.values.length >= before.length, { description: 'the messages from before the outage', timeoutMs: 20_000 });

    await cluster.brokerDown();
    await waitFor(() => !bus!.health().healthy, { description: 'health to turn unhealthy', timeoutMs: 10_000 });
    expect(bus.health().detail).toMatch(/unreachable/);
    const started = Date.now();
    await expect(bus.publish(topic, [{ key: 'CS-1', value: 'during' }])).rejects.toBeInstanceOf(BusUnavailableError);
    expect(Date.now() - started).toBeLessThanOrEqual(publishTimeoutMs + 500);
    // A service starting now is told so too, rather than left waiting.
    await expect(bus.subscribe({ groupId: 'billing', topics: [topic] }, async () => undefined)).rejects.toBeInstanceOf(BusUnavailableError);

    await cluster.brokerUp();
    await waitFor(() => bus!.health().healthy, { description: 'health to recover', timeoutMs: 15_000 });
    const after = messages('after', 30);
    await bus.publish(topic, after);

    // What was published before the outage is all still there for a new group...
    const replay = recorder();
    await bus.subscribe({ groupId: 'replay', topics: [topic], fromBeginning: true }, replay.handler);
    // ...and the same subscription as before carries on now that the cluster is back.
    await waitFor(() => after.every((m) => live.values.includes(m.value)), { description: 'the running member to get what came after', timeoutMs: 30_000 });
    await waitFor(() => replay.values.length >= before.length + after.length, { description: 'a new group to read everything', timeoutMs: 20_000 });
    expect(replay.values).toEqual(expect.arrayContaining([...before, ...after].map((m) => m.value)));
    expect(live.values).toEqual(expect.arrayContaining([...before, ...after].map((m) => m.value)));

    expect(entries.some((e) => e.level === 'warn' && e.message === 'Kafka is unreachable')).toBe(true);
    expect(entries.some((e) => e.level === 'info' && e.message === 'Kafka is reachable again')).toBe(true);
    // kafkajs logged through the log function, its repeated connection errors folded together.
    const kafkajsErrors = entries.filter((e) => e.message.startsWith('kafkajs: ') && e.level === 'error');
    expect(kafkajsErrors.length).toBeGreaterThan(0);
    const distinct = new Set(kafkajsErrors.map((e) => `${String(e.fields?.['namespace'])}|${e.message}|${String(e.fields?.['error'])}`));
    expect(kafkajsErrors.length).toBe(distinct.size);
    const printed = [...consoleWrites.mock.calls, ...stdoutWrites.mock.calls].map(([chunk]) => String(chunk));
    expect(printed.filter((line) => line.includes('kafkajs') && !line.startsWith('[bus-test]'))).toEqual([]);
    consoleWrites.mockRestore();
    stdoutWrites.mockRestore();
  });

  it('rejects a publish the cluster is too slow to acknowledge, and resolves only after the acknowledgement', async () => {
    cluster = await startKafkaMockCluster({ partitions: 4 });
    const topic = uniqueTopic('slow');
    await cluster.createTopic(topic);
    bus = new KafkaBus({ brokers: cluster.brokers, clientId: 'bus-slow', publishTimeoutMs: 1000, healthCheckIntervalMs: 200, consumer: TEST_CONSUMER, log: debugLog });
    await bus.publish(topic, [{ key: 'CS-1', value: 'warm-up' }]);

    await cluster.setRtt(-1, 300);
    let started = Date.now();
    await bus.publish(topic, [{ key: 'CS-1', value: 'slow but in time' }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    await cluster.setRtt(-1, 4000);
    started = Date.now();
    await expect(bus.publish(topic, [{ key: 'CS-1', value: 'too slow' }])).rejects.toThrow(/did not acknowledge .* within 1000 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(bus.health().healthy).toBe(false);

    await cluster.setRtt(-1, 0);
    await waitFor(() => bus!.health().healthy, { description: 'health to recover', timeoutMs: 15_000 });
    await waitFor(
      async () => {
        await bus!.publish(topic, [{ key: 'CS-1', value: 'fast again' }]);
        return true;
      },
      { description: 'a publish to get through again', timeoutMs: 15_000, intervalMs: 100 },
    );
  });
});

describe('Kafka bus: throughput and long batches', () => {
  let bus: KafkaBus | undefined;
  afterEach(() => bus?.close());

  it('folds hundreds of concurrent publish() calls into a few produce requests', async () => {
    bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'bus-batching', lingerMs: 5, consumer: TEST_CONSUMER, log: debugLog });
    const topic = uniqueTopic('batching');
    await bus.publish(topic, [{ key: 'CS-0', value: 'create the topic' }]);
    const base = bus.stats().batches;

    const calls = Array.from({ length: 400 }, (_, i) => bus!.publish(topic, [{ key: `CS-${i % 50}`, value: `call-${i}` }]));
    await Promise.all(calls);
    const batches = bus.stats().batches - base;
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(20);

    const seen = recorder();
    await bus.subscribe({ groupId: `${topic}-reader`, topics: [topic], fromBeginning: true }, seen.handler);
    await waitFor(() => seen.values.length >= 401, { description: 'all 401 messages', timeoutMs: 20_000 });
    expect(new Set(seen.values).size).toBe(401);
  });

  it('keeps its group membership through a batch that takes longer than the session timeout', async () => {
    const sessionTimeout = 3000;
    bus = new KafkaBus({
      brokers: kafkaBrokers(),
      clientId: 'bus-long-batch',
      consumer: { ...TEST_CONSUMER, sessionTimeout, rebalanceTimeout: sessionTimeout, heartbeatInterval: 300 },
      log: debugLog,
    });
    const topic = uniqueTopic('long-batch');
    const calls: string[][] = [];
    await bus.subscribe({ groupId: `${topic}-billing`, topics: [topic], fromBeginning: true }, async (batch) => {
      calls.push(batch.map((m) => m.value));
      // Rating a long session's meter values against a slow tariff service.
      if (batch.some((m) => m.value === 'long')) await new Promise((resolve) => setTimeout(resolve, sessionTimeout + 1500));
    });
    await bus.publish(topic, [{ key: 'CS-1', value: 'long' }]);
    await waitFor(() => calls.flat().includes('long'), { description: 'the long batch to start', timeoutMs: 20_000 });
    await bus.publish(topic, [{ key: 'CS-1', value: 'next' }]);
    await waitFor(() => calls.flat().includes('next'), { description: 'the message after it', timeoutMs: 20_000 });
    // Had the member been dropped from the group, its commit would have failed and 'long' come again.
    expect(calls.flat().filter((value) => value === 'long')).toEqual(['long']);
  });
});
