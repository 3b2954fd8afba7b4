import { RetryableError } from '../bus-errors';
import { DEAD_LETTER_HEADERS, type ConsumedMessage, type OutgoingMessage } from '../message-bus.port';
import { deliveryPolicy, retryDelay } from './delivery-policy';
import { errorText, MAX_ERROR_HEADER_LENGTH, processBatch, type BatchDelivery, type DeliveryEvent } from './process-batch';

const message = (offset: number, value = `v${offset}`, headers: Record<string, string> = {}): ConsumedMessage => ({
  topic: 'ocpp.station-calls.v1',
  partition: 3,
  offset: String(offset),
  key: 'CS-1',
  value,
  headers,
  timestamp: 1_700_000_000_000,
});

interface Harness {
  delivery: BatchDelivery;
  calls: string[][];
  sleeps: number[];
  commits: string[];
  letters: Array<{ topic: string; messages: readonly OutgoingMessage[] }>;
  events: DeliveryEvent[];
  heartbeats: number;
}

/** A delivery with a fake clock: sleeps are recorded, not waited. */
function harness(options: {
  fail?: (values: string[], call: number) => boolean;
  maxAttempts?: number;
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  stopWhen?: (h: Harness) => boolean;
  deadLetter?: (h: Harness) => Promise<void>;
  commit?: () => Promise<void>;
  heartbeat?: () => Promise<void>;
  heartbeatIntervalMs?: number;
}): Harness {
  const h: Harness = { calls: [], sleeps: [], commits: [], letters: [], events: [], heartbeats: 0, delivery: undefined as unknown as BatchDelivery };
  h.delivery = {
    policy: deliveryPolicy({
      groupId: 'sessions',
      topics: ['ocpp.station-calls.v1'],
      maxAttempts: options.maxAttempts ?? 5,
      retryDelayMs: options.retryDelayMs ?? 100,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 5000,
    }),
    handler: async (messages) => {
      const values = messages.map((m) => m.value);
      h.calls.push(values);
      if (options.fail?.(values, h.calls.length)) throw new Error(`cannot handle ${values.join(',')}`);
    },
    deadLetter: async (topic, messages) => {
      if (options.deadLetter) await options.deadLetter(h);
      h.letters.push({ topic, messages });
    },
    commit: async (upTo) => {
      if (options.commit) await options.commit();
      h.commits.push(upTo.offset);
    },
    shouldStop: () => options.stopWhen?.(h) ?? false,
    onEvent: (event) => h.events.push(event),
    sleep: async (ms) => {
      h.sleeps.push(ms);
    },
    now: () => Date.parse('2026-11-22T10:00:00.000Z'),
    ...(options.heartbeat
      ? {
          heartbeat: async () => {
            h.heartbeats += 1;
            await options.heartbeat!();
          },
          heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
        }
      : {}),
  };
  return h;
}

const poison = (values: string[]): boolean => values.includes('poison');

describe('processBatch: the retry and dead-letter policy both adapters share', () => {
  it('hands a healthy batch over once and commits its last message once', async () => {
    const h = harness({});
    const outcome = await processBatch([message(10), message(11), message(12)], h.delivery);
    expect(outcome).toEqual({ status: 'done', handled: 3, deadLettered: 0 });
    expect(h.calls).toEqual([['v10', 'v11', 'v12']]);
    expect(h.commits).toEqual(['12']);
    expect(h.sleeps).toEqual([]);
  });

  it('retries the whole batch after a backoff when the database blips once', async () => {
    const h = harness({ fail: (_, call) => call === 1 });
    const outcome = await processBatch([message(1), message(2)], h.delivery);
    expect(outcome.status).toBe('done');
    expect(h.calls).toEqual([['v1', 'v2'], ['v1', 'v2']]);
    expect(h.sleeps).toEqual([100]);
    expect(h.commits).toEqual(['2']);
    expect(h.letters).toEqual([]);
  });

  it('isolates a poison message, dead-letters only it, and handles the rest (those after it as a batch again)', async () => {
    const h = harness({ fail: poison });
    const batch = [message(1, 'a'), message(2, 'b'), message(3, 'poison', { 'x-trace-id': 't-3' }), message(4, 'd'), message(5, 'e')];
    const outcome = await processBatch(batch, h.delivery);

    expect(outcome).toEqual({ status: 'done', handled: 4, deadLettered: 1 });
    expect(h.calls).toEqual([
      ['a', 'b', 'poison', 'd', 'e'],
      ['a', 'b', 'poison', 'd', 'e'],
      ['a'],
      ['b'],
      ['poison'],
      ['poison'],
      ['poison'],
      ['d', 'e'],
    ]);
    // 100 after the first whole-batch failure, 200 before isolating, then 400 and 800.
    expect(h.sleeps).toEqual([100, 200, 400, 800]);
    expect(h.commits).toEqual(['5']);
    expect(h.letters).toEqual([
      {
        topic: 'ocpp.station-calls.v1.dlq',
        messages: [
          {
            key: 'CS-1',
            value: 'poison',
            headers: {
              'x-trace-id': 't-3',
              [DEAD_LETTER_HEADERS.error]: 'Error: cannot handle poison',
              [DEAD_LETTER_HEADERS.topic]: 'ocpp.station-calls.v1',
              [DEAD_LETTER_HEADERS.partition]: '3',
              [DEAD_LETTER_HEADERS.offset]: '3',
              [DEAD_LETTER_HEADERS.group]: 'sessions',
              [DEAD_LETTER_HEADERS.attempts]: '5',
              [DEAD_LETTER_HEADERS.failedAt]: '2026-11-22T10:00:00.000Z',
            },
          },
        ],
      },
    ]);
    expect(h.events.filter((e) => e.type === 'dead-lettered')).toHaveLength(1);
  });

  it('waits out an infrastructure outage (RetryableError) however long it lasts, dead-lettering nothing', async () => {
    const h = harness({ maxAttempts: 2, retryDelayMs: 100, maxRetryDelayMs: 400 });
    let outage = 12;
    h.delivery = {
      ...h.delivery,
      handler: async (messages) => {
        h.calls.push(messages.map((m) => m.value));
        if (outage-- > 0) throw new RetryableError('database restarting');
      },
    };
    const result = await processBatch([message(1), message(2)], h.delivery);
    expect(result).toMatchObject({ status: 'done', deadLettered: 0 });
    expect(h.letters).toEqual([]);
    expect(h.calls).toHaveLength(13);
    expect(h.calls.every((values) => values.join(',') === 'v1,v2')).toBe(true);
    expect(Math.max(...h.sleeps)).toBe(400);
    expect(h.commits).toEqual(['2']);
  });

  it('dead-letters a lone failing message after exactly maxAttempts, with a capped exponential backoff', async () => {
    const h = harness({ fail: () => true, maxAttempts: 6, retryDelayMs: 100, maxRetryDelayMs: 300 });
    const outcome = await processBatch([message(7, 'broken')], h.delivery);
    expect(outcome).toEqual({ status: 'done', handled: 0, deadLettered: 1 });
    expect(h.calls).toHaveLength(6);
    expect(h.sleeps).toEqual([100, 200, 300, 300, 300]);
    expect(h.letters[0]!.messages[0]!.headers![DEAD_LETTER_HEADERS.attempts]).toBe('6');
    expect(h.commits).toEqual(['7']);
  });

  it('keeps maxAttempts exact for small limits: maxAttempts 1 tries each message once, alone', async () => {
    const h = harness({ fail: poison, maxAttempts: 1 });
    const outcome = await processBatch([message(1, 'a'), message(2, 'poison'), message(3, 'c')], h.delivery);
    expect(outcome).toEqual({ status: 'done', handled: 2, deadLettered: 1 });
    expect(h.calls).toEqual([['a'], ['poison'], ['c']]);
    expect(h.letters[0]!.messages[0]!.headers![DEAD_LETTER_HEADERS.attempts]).toBe('1');
  });

  it('deals with two poison messages in one batch', async () => {
    const h = harness({ fail: poison, maxAttempts: 2 });
    const outcome = await processBatch(
      [message(1, 'a'), message(2, 'poison'), message(3, 'c'), message(4, 'poison'), message(5, 'e')],
      h.delivery,
    );
    expect(outcome).toEqual({ status: 'done', handled: 3, deadLettered: 2 });
    expect(h.letters.map((l) => l.messages[0]!.headers![DEAD_LETTER_HEADERS.offset])).toEqual(['2', '4']);
    expect(h.calls.filter((c) => c.length === 1 && c[0] !== 'poison').flat()).toEqual(['a', 'c', 'e']);
    expect(h.commits).toEqual(['5']);
  });

  it('commits only what was done when it has to stop mid-way (closing, partition lost)', async () => {
    const h = harness({ fail: poison, maxAttempts: 100, stopWhen: (x) => x.calls.filter((c) => c[0] === 'poison').length >= 3 });
    const outcome = await processBatch([message(1, 'a'), message(2, 'b'), message(3, 'poison'), message(4, 'd')], h.delivery);
    expect(outcome).toEqual({ status: 'abandoned', handled: 2, deadLettered: 0, committedUpTo: '2' });
    expect(h.commits).toEqual(['2']);
    expect(h.letters).toEqual([]);
  });

  it('commits nothing when stopped before any success', async () => {
    const h = harness({ fail: () => true, stopWhen: (x) => x.calls.length >= 1 });
    const outcome = await processBatch([message(1), message(2)], h.delivery);
    expect(outcome).toEqual({ status: 'abandoned', handled: 0, deadLettered: 0 });
    expect(h.commits).toEqual([]);
  });

  it('never skips a poison message without a trace: a failing dead-letter publish is retried first', async () => {
    let refusals = 2;
    const h = harness({
      fail: poison,
      maxAttempts: 1,
      deadLetter: async () => {
        if (refusals > 0) {
          refusals -= 1;
          throw new Error('broker unreachable');
        }
      },
    });
    const outcome = await processBatch([message(1, 'poison'), message(2, 'b')], h.delivery);
    expect(outcome).toEqual({ status: 'done', handled: 1, deadLettered: 1 });
    expect(h.events.filter((e) => e.type === 'dead-letter-failed')).toHaveLength(2);
    expect(h.letters).toHaveLength(1);
    expect(h.commits).toEqual(['2']);
  });

  it('leaves a poison message uncommitted when its dead letter cannot be written before stopping', async () => {
    const h = harness({
      fail: poison,
      maxAttempts: 1,
      deadLetter: async () => {
        throw new Error('broker unreachable');
      },
      stopWhen: (x) => x.events.filter((e) => e.type === 'dead-letter-failed').length >= 3,
    });
    const outcome = await processBatch([message(1, 'a'), message(2, 'poison'), message(3, 'c')], h.delivery);
    expect(outcome).toEqual({ status: 'abandoned', handled: 1, deadLettered: 0, committedUpTo: '1' });
    expect(h.commits).toEqual(['1']);
  });

  it('propagates a failed commit to the adapter', async () => {
    const h = harness({ commit: () => Promise.reject(new Error('generation is stale')) });
    await expect(processBatch([message(1)], h.delivery)).rejects.toThrow('generation is stale');
  });

  it('heartbeats while a long handler runs and during pauses, and survives a failing heartbeat', async () => {
    let beats = 0;
    const h = harness({
      fail: (_, call) => call === 1,
      retryDelayMs: 1000,
      heartbeatIntervalMs: 250,
      heartbeat: async () => {
        beats += 1;
        if (beats === 2) throw new Error('REBALANCE_IN_PROGRESS');
      },
    });
    const slowHandler = h.delivery.handler;
    const delivery: BatchDelivery = {
      ...h.delivery,
      handler: async (messages) => {
        await new Promise((resolve) => setTimeout(resolve, 120));
        await slowHandler(messages);
      },
      heartbeatIntervalMs: 50,
    };
    const outcome = await processBatch([message(1), message(2)], delivery);
    expect(outcome.status).toBe('done');
    // The 1000 ms pause is taken in heartbeat-sized slices.
    expect(h.sleeps).toEqual(Array.from({ length: 20 }, () => 50));
    // Before each of 2 calls, about 2 during each 120 ms call, and after each of 20 pause slices.
    expect(beats).toBeGreaterThanOrEqual(2 + 2 + 20);
  });

  it('cuts the dead-letter error header to a bounded length', () => {
    const text = errorText(new Error('x'.repeat(5000)));
    expect(text.length).toBe(MAX_ERROR_HEADER_LENGTH);
    expect(text.startsWith('Error: xxx')).toBe(true);
    expect(errorText('plain string')).toBe('plain string');
  });
});

describe('deliveryPolicy', () => {
  it('applies the port defaults: 5 attempts, 100 ms doubling to 5 s, `${topic}.dlq`', () => {
    const policy = deliveryPolicy({ groupId: 'billing', topics: ['a', 'a', 'b'] });
    expect(policy).toMatchObject({ groupId: 'billing', topics: ['a', 'b'], fromBeginning: false, maxAttempts: 5, retryDelayMs: 100, maxRetryDelayMs: 5000 });
    expect(policy.deadLetterTopic('ocpp.station-calls.v1')).toBe('ocpp.station-calls.v1.dlq');
    expect([1, 2, 3, 4, 5, 6, 7, 40].map((n) => retryDelay(policy, n))).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('refuses options that make no sense', () => {
    expect(() => deliveryPolicy({ groupId: ' ', topics: ['a'] })).toThrow(/groupId/);
    expect(() => deliveryPolicy({ groupId: 'g', topics: [] })).toThrow(/topics/);
    expect(() => deliveryPolicy({ groupId: 'g', topics: ['bad topic'] })).toThrow(/invalid topic name/);
    expect(() => deliveryPolicy({ groupId: 'g', topics: ['a'], maxAttempts: 1.5 })).toThrow(/maxAttempts/);
    expect(() => deliveryPolicy({ groupId: 'g', topics: ['a'], retryDelayMs: -1 })).toThrow(/retryDelayMs/);
    expect(() => deliveryPolicy({ groupId: 'g', topics: ['a'], retryDelayMs: 100, maxRetryDelayMs: 50 })).toThrow(/maxRetryDelayMs/);
  });
});
