/**
 * The MessageBus contract, written once and run against every adapter (in-process and Kafka):
 * what a service may rely on whichever mode it runs in.
 */
import { waitFor } from '@evcsms/testing';
import {
  BusClosedError,
  DEAD_LETTER_HEADERS,
  type BatchHandler,
  type ConsumedMessage,
  type MessageBus,
  type OutgoingMessage,
  type SubscribeOptions,
  type Subscription,
} from '../src';

export interface BusContractFixture {
  readonly bus: MessageBus;
  /** A topic name no other test uses, starting with `prefix`. */
  topic(prefix: string): string;
  /** How many partitions a topic gets when it is created by use. */
  readonly partitions: number;
  /** Closes the bus and anything else the factory started. */
  cleanup(): Promise<void>;
}

export interface BusContractOptions {
  /** Longest wait for a delivery (default 10 s; Kafka group joins take seconds). */
  readonly waitMs?: number;
  /** Quiet time before asserting that nothing more arrives (default 200 ms). */
  readonly settleMs?: number;
  /** Per test (default 30 s). */
  readonly testTimeoutMs?: number;
}

/** Fast retries, so failure stories take milliseconds. */
const FAST_RETRIES = { retryDelayMs: 10, maxRetryDelayMs: 50 } as const;

interface HandlerCall {
  readonly messages: readonly ConsumedMessage[];
  readonly ok: boolean;
}

/** A handler that records every call; `fail` decides which calls throw. */
class Recorder {
  readonly calls: HandlerCall[] = [];

  constructor(private readonly fail: (messages: readonly ConsumedMessage[], call: number) => Error | undefined = () => undefined) {}

  readonly handler: BatchHandler = async (messages) => {
    await new Promise((resolve) => setImmediate(resolve));
    const error = this.fail(messages, this.calls.length + 1);
    this.calls.push({ messages: [...messages], ok: !error });
    if (error) throw error;
  };

  /** Messages of the calls that succeeded, in the order they were handled. */
  get handled(): ConsumedMessage[] {
    return this.calls.filter((call) => call.ok).flatMap((call) => call.messages);
  }

  get values(): string[] {
    return this.handled.map((message) => message.value);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sorted = (values: readonly string[]): string[] => [...values].sort();
const range = (count: number): number[] => Array.from({ length: count }, (_, index) => index);

export function describeBusContract(
  name: string,
  factory: () => Promise<BusContractFixture>,
  options: BusContractOptions = {},
): void {
  const waitMs = options.waitMs ?? 10_000;
  const settleMs = options.settleMs ?? 200;
  const testTimeoutMs = options.testTimeoutMs ?? 30_000;

  describe(`${name}: the MessageBus contract`, () => {
    let fixture: BusContractFixture;
    let bus: MessageBus;
    const subscriptions: Subscription[] = [];

    beforeEach(async () => {
      fixture = await factory();
      bus = fixture.bus;
    });

    afterEach(async () => {
      await Promise.allSettled(subscriptions.splice(0).map((subscription) => subscription.close()));
      await fixture.cleanup();
    });

    const subscribe = async (subscribeOptions: SubscribeOptions, handler: BatchHandler): Promise<Subscription> => {
      const subscription = await bus.subscribe(subscribeOptions, handler);
      subscriptions.push(subscription);
      return subscription;
    };

    const until = (description: string, predicate: () => boolean): Promise<boolean> =>
      waitFor(predicate, { description, timeoutMs: waitMs, intervalMs: 20 });

    const story = (title: string, fn: () => Promise<void>): void => {
      it(title, fn, testTimeoutMs);
    };

    story('carries a message to a subscriber with its key, value, headers, topic, partition, offset and time', async () => {
      const topic = fixture.topic('roundtrip');
      const recorder = new Recorder();
      await subscribe({ groupId: `${topic}-sessions`, topics: [topic], fromBeginning: true }, recorder.handler);

      const before = Date.now();
      await bus.publish(topic, [
        {
          key: 'CS-0001',
          value: JSON.stringify({ action: 'StatusNotification', payload: { status: 'Available', note: 'Grüße ⚡' } }),
          headers: { 'x-trace-id': 'trace-1', 'content-type': 'application/json' },
        },
        { key: 'CS-0002', value: '' },
      ]);
      const after = Date.now();
      await until('both messages', () => recorder.handled.length >= 2);

      const [first, second] = [...recorder.handled].sort((a, b) => a.key.localeCompare(b.key));
      expect(first).toMatchObject({
        topic,
        key: 'CS-0001',
        value: JSON.stringify({ action: 'StatusNotification', payload: { status: 'Available', note: 'Grüße ⚡' } }),
        headers: { 'x-trace-id': 'trace-1', 'content-type': 'application/json' },
      });
      expect(second).toMatchObject({ topic, key: 'CS-0002', value: '', headers: {} });
      for (const message of [first!, second!]) {
        expect(Number.isInteger(message.partition)).toBe(true);
        expect(message.partition).toBeGreaterThanOrEqual(0);
        expect(message.partition).toBeLessThan(fixture.partitions);
        expect(message.offset).toMatch(/^\d+$/);
        expect(message.timestamp).toBeGreaterThanOrEqual(before - 1000);
        expect(message.timestamp).toBeLessThanOrEqual(after + 1000);
      }
      await sleep(settleMs);
      expect(recorder.handled).toHaveLength(2);
    });

    story('keeps every station’s messages in order when many stations publish at once', async () => {
      const topic = fixture.topic('ordering');
      const recorder = new Recorder();
      await subscribe({ groupId: `${topic}-sessions`, topics: [topic], fromBeginning: true }, recorder.handler);

      const stations = range(24).map((index) => `CS-${String(index).padStart(4, '0')}`);
      const perStation = 15;
      const message = (key: string, seq: number): OutgoingMessage => ({ key, value: `${key}#${seq}` });
      await Promise.all(
        stations.map(async (key, index) => {
          if (index % 3 === 0) {
            // One call at a time, each awaited: the gateway's normal case.
            for (const seq of range(perStation)) await bus.publish(topic, [message(key, seq)]);
          } else if (index % 3 === 1) {
            // Calls issued back to back without waiting: call order is kept too.
            await Promise.all(range(perStation).map((seq) => bus.publish(topic, [message(key, seq)])));
          } else {
            // Several messages of one station in one call.
            await bus.publish(topic, range(5).map((seq) => message(key, seq)));
            await bus.publish(topic, range(perStation - 5).map((seq) => message(key, seq + 5)));
          }
        }),
      );

      const total = stations.length * perStation;
      await until(`${total} messages`, () => recorder.handled.length >= total);
      await sleep(settleMs);
      expect(recorder.handled).toHaveLength(total);
      for (const key of stations) {
        const forKey = recorder.handled.filter((m) => m.key === key);
        expect(forKey.map((m) => m.value)).toEqual(range(perStation).map((seq) => `${key}#${seq}`));
        expect(new Set(forKey.map((m) => m.partition)).size).toBe(1);
        const offsets = forKey.map((m) => BigInt(m.offset));
        expect(offsets.every((offset, i) => i === 0 || offset > offsets[i - 1]!)).toBe(true);
      }
    });

    story('gives every consumer group every message', async () => {
      const topic = fixture.topic('groups');
      const billing = new Recorder();
      const monitoring = new Recorder();
      await Promise.all([
        subscribe({ groupId: `${topic}-billing`, topics: [topic], fromBeginning: true }, billing.handler),
        subscribe({ groupId: `${topic}-monitoring`, topics: [topic], fromBeginning: true }, monitoring.handler),
      ]);

      const values = range(40).map((i) => `meter-values-${i}`);
      await bus.publish(topic, values.map((value, i) => ({ key: `CS-${i % 7}`, value })));

      await until('both groups to get all 40', () => billing.handled.length >= 40 && monitoring.handled.length >= 40);
      await sleep(settleMs);
      expect(sorted(billing.values)).toEqual(sorted(values));
      expect(sorted(monitoring.values)).toEqual(sorted(values));
    });

    story('lets two members of one group split the partitions and together see each message once', async () => {
      expect(fixture.partitions).toBeGreaterThanOrEqual(2);
      const topic = fixture.topic('members');
      const groupId = `${topic}-sessions`;
      const podA = new Recorder();
      const podB = new Recorder();
      await Promise.all([
        subscribe({ groupId, topics: [topic], fromBeginning: true }, podA.handler),
        subscribe({ groupId, topics: [topic], fromBeginning: true }, podB.handler),
      ]);

      const values = range(80).map((i) => `boot-${i}`);
      await bus.publish(topic, values.map((value, i) => ({ key: `CS-${i % 40}`, value })));

      await until('all 80 between the two members', () => podA.handled.length + podB.handled.length >= 80);
      await sleep(settleMs);
      expect(sorted([...podA.values, ...podB.values])).toEqual(sorted(values));
      expect(podA.handled.length).toBeGreaterThan(0);
      expect(podB.handled.length).toBeGreaterThan(0);
      const partitionsA = new Set(podA.handled.map((m) => m.partition));
      const partitionsB = new Set(podB.handled.map((m) => m.partition));
      expect([...partitionsA].filter((p) => partitionsB.has(p))).toEqual([]);
    });

    story('delivers a batch again when its handler fails, and loses nothing', async () => {
      const topic = fixture.topic('redeliver');
      // The database is briefly unavailable: the first call fails.
      const recorder = new Recorder((_, call) => (call === 1 ? new Error('database unavailable') : undefined));
      await subscribe({ groupId: `${topic}-sessions`, topics: [topic], fromBeginning: true, maxAttempts: 5, ...FAST_RETRIES }, recorder.handler);

      const values = range(12).map((i) => `transaction-event-${i}`);
      await bus.publish(topic, values.map((value, i) => ({ key: `CS-${i % 3}`, value })));

      await until('all 12 handled', () => new Set(recorder.values).size >= 12);
      await sleep(settleMs);
      const [failed] = recorder.calls;
      expect(failed!.ok).toBe(false);
      const handledAfterFailure = recorder.calls.slice(1).filter((c) => c.ok).flatMap((c) => c.messages);
      for (const message of failed!.messages) {
        expect(handledAfterFailure.some((m) => m.offset === message.offset && m.partition === message.partition)).toBe(true);
      }
      expect(sorted(recorder.values)).toEqual(sorted(values));
    });

    story('lets a new member resume after the last committed message: not before, not after', async () => {
      const topic = fixture.topic('resume');
      const groupId = `${topic}-sessions`;
      // Pod A handles m1-m3, then cannot handle m4 (its database went away) and is shut down.
      const podA = new Recorder((messages) => (messages.some((m) => m.value === 'm4') ? new Error('database gone') : undefined));
      const subscriptionA = await subscribe({ groupId, topics: [topic], fromBeginning: true, maxAttempts: 10_000, ...FAST_RETRIES }, podA.handler);

      await bus.publish(topic, ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map((value) => ({ key: 'CS-RESUME', value })));
      await until('pod A to be stuck on m4 alone', () =>
        podA.calls.some((call) => !call.ok && call.messages.length === 1 && call.messages[0]!.value === 'm4'),
      );
      await subscriptionA.close();
      expect(podA.values).toEqual(['m1', 'm2', 'm3']);

      const podB = new Recorder();
      await subscribe({ groupId, topics: [topic], fromBeginning: true }, podB.handler);
      await until('pod B to get m4-m6', () => podB.handled.length >= 3);
      await sleep(settleMs);
      expect(podB.values).toEqual(['m4', 'm5', 'm6']);
    });

    story('sends a poison message to the dead-letter topic with its error and keeps its partition moving', async () => {
      const topic = fixture.topic('poison');
      const poisonFails = (messages: readonly ConsumedMessage[]): Error | undefined =>
        messages.some((m) => m.value === 'poison') ? new Error('cannot handle poison: unknown action') : undefined;
      const sessions = new Recorder(poisonFails);
      const billing = new Recorder(poisonFails);
      const dlqReader = new Recorder();
      const customDeadLetters = `${topic}.billing-dead`;
      const started = Date.now();
      await Promise.all([
        subscribe({ groupId: `${topic}-sessions`, topics: [topic], fromBeginning: true, maxAttempts: 3, ...FAST_RETRIES }, sessions.handler),
        subscribe(
          {
            groupId: `${topic}-billing`,
            topics: [topic],
            fromBeginning: true,
            maxAttempts: 3,
            ...FAST_RETRIES,
            deadLetterTopic: (original) => `${original}.billing-dead`,
          },
          billing.handler,
        ),
        subscribe({ groupId: `${topic}-ops`, topics: [`${topic}.dlq`, customDeadLetters], fromBeginning: true }, dlqReader.handler),
      ]);

      await bus.publish(
        topic,
        ['p1', 'p2', 'poison', 'p4', 'p5', 'p6'].map((value) => ({ key: 'CS-POISON', value, headers: { 'x-trace-id': `trace-${value}` } })),
      );

      await until('both groups past the poison and both dead letters', () =>
        sessions.values.includes('p6') && billing.values.includes('p6') && dlqReader.handled.length >= 2,
      );
      await sleep(settleMs);
      expect(sessions.values).toEqual(['p1', 'p2', 'p4', 'p5', 'p6']);
      expect(billing.values).toEqual(['p1', 'p2', 'p4', 'p5', 'p6']);

      const poison = sessions.calls.flatMap((c) => c.messages).find((m) => m.value === 'poison')!;
      expect(dlqReader.handled).toHaveLength(2);
      const defaultLetter = dlqReader.handled.find((m) => m.topic === `${topic}.dlq`)!;
      const customLetter = dlqReader.handled.find((m) => m.topic === customDeadLetters)!;
      expect(defaultLetter).toMatchObject({ key: 'CS-POISON', value: 'poison' });
      expect(defaultLetter.headers).toMatchObject({
        'x-trace-id': 'trace-poison',
        [DEAD_LETTER_HEADERS.topic]: topic,
        [DEAD_LETTER_HEADERS.partition]: String(poison.partition),
        [DEAD_LETTER_HEADERS.offset]: poison.offset,
        [DEAD_LETTER_HEADERS.group]: `${topic}-sessions`,
        [DEAD_LETTER_HEADERS.attempts]: '3',
      });
      expect(defaultLetter.headers[DEAD_LETTER_HEADERS.error]).toContain('cannot handle poison: unknown action');
      const failedAt = Date.parse(defaultLetter.headers[DEAD_LETTER_HEADERS.failedAt]!);
      expect(failedAt).toBeGreaterThanOrEqual(started - 1000);
      expect(failedAt).toBeLessThanOrEqual(Date.now() + 1000);
      expect(customLetter).toMatchObject({ key: 'CS-POISON', value: 'poison' });
      expect(customLetter.headers).toMatchObject({ [DEAD_LETTER_HEADERS.group]: `${topic}-billing`, [DEAD_LETTER_HEADERS.offset]: poison.offset });
    });

    story('hands a leaving member’s partitions to the one that stays, with everything it had not committed', async () => {
      const topic = fixture.topic('rebalance');
      const groupId = `${topic}-sessions`;
      const staying = new Recorder();
      // The leaving pod cannot handle anything (say its database connection broke) and is shut down.
      const leaving = new Recorder(() => new Error('connection to database lost'));
      const [, leavingSubscription] = await Promise.all([
        subscribe({ groupId, topics: [topic], fromBeginning: true }, staying.handler),
        subscribe({ groupId, topics: [topic], fromBeginning: true, maxAttempts: 10_000, ...FAST_RETRIES }, leaving.handler),
      ]);

      const values = range(40).map((i) => `authorize-${i}`);
      await bus.publish(topic, values.map((value, i) => ({ key: `CS-${i}`, value })));
      await until('both members to have work', () => staying.handled.length > 0 && leaving.calls.length > 0);
      const leavingPartitions = new Set(leaving.calls.flatMap((c) => c.messages.map((m) => m.partition)));
      expect(staying.values.length).toBeLessThan(values.length);

      await leavingSubscription.close();
      await until('the staying member to get every message', () => new Set(staying.values).size >= values.length);
      await sleep(settleMs);
      expect(sorted(staying.values)).toEqual(sorted(values));
      expect(leaving.handled).toEqual([]);
      const stayingPartitions = new Set(staying.handled.map((m) => m.partition));
      for (const partition of leavingPartitions) expect(stayingPartitions.has(partition)).toBe(true);
    });

    story('creates a topic on first publish; a new group starts at its oldest message with fromBeginning, else at the newest', async () => {
      const topic = fixture.topic('fresh');
      await bus.publish(topic, ['old-1', 'old-2', 'old-3'].map((value) => ({ key: 'CS-FRESH', value })));

      const replay = new Recorder();
      const live = new Recorder();
      await Promise.all([
        subscribe({ groupId: `${topic}-replay`, topics: [topic], fromBeginning: true }, replay.handler),
        subscribe({ groupId: `${topic}-live`, topics: [topic] }, live.handler),
      ]);
      await bus.publish(topic, ['new-1', 'new-2'].map((value) => ({ key: 'CS-FRESH', value })));

      await until('both groups to get the new messages', () => replay.values.includes('new-2') && live.values.includes('new-2'));
      await sleep(settleMs);
      expect(replay.values).toEqual(['old-1', 'old-2', 'old-3', 'new-1', 'new-2']);
      expect(live.values).toEqual(['new-1', 'new-2']);
    });

    story('is healthy while open; once closed it reports so and refuses to publish or subscribe', async () => {
      const topic = fixture.topic('lifecycle');
      await bus.publish(topic, [{ key: 'CS-1', value: 'hello' }]);
      expect(bus.health().healthy).toBe(true);
      expect(typeof bus.health().detail).toBe('string');

      await bus.close();
      expect(bus.health().healthy).toBe(false);
      await expect(bus.publish(topic, [{ key: 'CS-1', value: 'too late' }])).rejects.toBeInstanceOf(BusClosedError);
      await expect(bus.subscribe({ groupId: `${topic}-late`, topics: [topic] }, async () => undefined)).rejects.toBeInstanceOf(BusClosedError);
      await expect(bus.close()).resolves.toBeUndefined();
    });

    story('rejects what it cannot carry before accepting anything', async () => {
      await expect(bus.publish('no spaces allowed', [{ key: 'k', value: 'v' }])).rejects.toThrow(/invalid topic name/);
      const topic = fixture.topic('invalid');
      await expect(bus.publish(topic, [{ key: 'k', value: 42 as unknown as string }])).rejects.toThrow(/string value/);
      await expect(bus.subscribe({ groupId: '', topics: [topic] }, async () => undefined)).rejects.toThrow(/groupId/);
      await expect(bus.subscribe({ groupId: 'g', topics: [topic], maxAttempts: 0 }, async () => undefined)).rejects.toThrow(/maxAttempts/);
      await expect(bus.publish(topic, [])).resolves.toBeUndefined();
    });
  });
}
