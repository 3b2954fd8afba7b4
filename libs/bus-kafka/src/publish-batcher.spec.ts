import { BusClosedError, BusUnavailableError, type OutgoingMessage } from '@evcsms/bus';
import { PublishBatcher, type PublishBatcherOptions, type TopicMessages } from './publish-batcher';

const msg = (value: string, key = 'CS-1'): OutgoingMessage => ({ key, value });

interface Send {
  batch: readonly TopicMessages[];
  ack(): void;
  fail(error: Error): void;
}

/** A batcher whose sends wait until the test acknowledges them, like a broker would. */
function batcher(options: Partial<PublishBatcherOptions> = {}): { batcher: PublishBatcher; sends: Send[]; timeouts: number } {
  const sends: Send[] = [];
  const state = { timeouts: 0 };
  const b = new PublishBatcher({
    lingerMs: 2,
    maxBatchMessages: 100,
    maxBatchBytes: 1_000_000,
    timeoutMs: 1000,
    send: (batch) =>
      new Promise<void>((resolve, reject) => {
        sends.push({ batch, ack: resolve, fail: reject });
      }),
    onTimeout: () => {
      state.timeouts += 1;
    },
    ...options,
  });
  return {
    batcher: b,
    sends,
    get timeouts() {
      return state.timeouts;
    },
  };
}

const values = (send: Send): string[] => send.batch.flatMap((t) => t.messages.map((m) => m.value));
const settledState = async (promise: Promise<void>): Promise<'pending' | 'resolved' | 'rejected'> => {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return state;
};

describe('PublishBatcher: many publish() calls, few produce requests, nothing resolved early', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('gathers the calls of one linger window into one send, grouped by topic, in call order', async () => {
    const { batcher: b, sends } = batcher();
    const calls = [b.publish('calls', [msg('a')]), b.publish('presence', [msg('online')]), b.publish('calls', [msg('b'), msg('c')])];
    expect(sends).toHaveLength(0);
    jest.advanceTimersByTime(2);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.batch).toEqual([
      { topic: 'calls', messages: [msg('a'), msg('b'), msg('c')] },
      { topic: 'presence', messages: [msg('online')] },
    ]);
    expect(await settledState(calls[0]!)).toBe('pending');
    sends[0]!.ack();
    await Promise.all(calls);
    expect(b.stats).toMatchObject({ batches: 1, messages: 4 });
  });

  it('resolves nothing before the broker acknowledged, and sends the next batch only after', async () => {
    const { batcher: b, sends } = batcher();
    const first = b.publish('t', [msg('1')]);
    jest.advanceTimersByTime(2);
    const second = b.publish('t', [msg('2')]);
    const third = b.publish('t', [msg('3')]);
    jest.advanceTimersByTime(50);
    expect(sends).toHaveLength(1);
    expect(await settledState(first)).toBe('pending');
    sends[0]!.ack();
    await first;
    expect(sends).toHaveLength(2);
    expect(values(sends[1]!)).toEqual(['2', '3']);
    expect(await settledState(second)).toBe('pending');
    sends[1]!.ack();
    await Promise.all([second, third]);
  });

  it('sends at once when a batch is full, and keeps every call whole', async () => {
    const { batcher: b, sends } = batcher({ maxBatchMessages: 3 });
    const calls = [b.publish('t', [msg('a'), msg('b')]), b.publish('t', [msg('c'), msg('d')]), b.publish('t', [msg('e')])];
    expect(sends).toHaveLength(1);
    expect(values(sends[0]!)).toEqual(['a', 'b']);
    sends[0]!.ack();
    await calls[0];
    expect(values(sends[1]!)).toEqual(['c', 'd', 'e']);
    sends[1]!.ack();
    await Promise.all(calls);
  });

  it('rejects every call of a batch the broker refused, with the broker’s error', async () => {
    const { batcher: b, sends } = batcher();
    const calls = [b.publish('t', [msg('a')]), b.publish('t', [msg('b')])];
    jest.advanceTimersByTime(2);
    const refused = new BusUnavailableError('connection refused');
    sends[0]!.fail(refused);
    for (const call of calls) await expect(call).rejects.toBe(refused);
    expect(b.stats.failures).toBe(1);
  });

  it('rejects calls the broker leaves unanswered past the deadline, and a hung send does not hold up the queue', async () => {
    const h = batcher({ timeoutMs: 1000 });
    const { batcher: b, sends } = h;
    const hung = b.publish('t', [msg('hung')]);
    jest.advanceTimersByTime(500);
    const queued = b.publish('t', [msg('queued')]);
    jest.advanceTimersByTime(500);
    await expect(hung).rejects.toThrow(/did not acknowledge 1 message\(s\) to t within 1000 ms \(sent; they may still land\)/);
    await expect(hung).rejects.toBeInstanceOf(BusUnavailableError);
    expect(h.timeouts).toBe(1);
    expect(sends).toHaveLength(1);
    // The hung send has had the whole deadline: what queued behind it goes out now.
    jest.advanceTimersByTime(2);
    expect(sends).toHaveLength(2);
    expect(values(sends[1]!)).toEqual(['queued']);
    sends[1]!.ack();
    await queued;
    sends[0]!.ack();
  });

  it('never sends a call whose deadline passed while it waited in the queue', async () => {
    const { batcher: b, sends } = batcher({ timeoutMs: 1000, maxBatchMessages: 1, lingerMs: 0 });
    const first = b.publish('t', [msg('first')]);
    jest.advanceTimersByTime(600);
    const waiting = b.publish('t', [msg('waiting')]);
    const alsoWaiting = b.publish('t', [msg('also waiting')]);
    sends[0]!.ack();
    await first;
    expect(values(sends[1]!)).toEqual(['waiting']);
    jest.advanceTimersByTime(1000);
    await expect(waiting).rejects.toThrow(/sent; they may still land/);
    await expect(alsoWaiting).rejects.toThrow(/never sent/);
    expect(sends.map(values)).toEqual([['first'], ['waiting']]);
  });

  it('on close, sends what is queued, waits for it, then refuses new calls', async () => {
    const { batcher: b, sends } = batcher({ lingerMs: 50 });
    const pending = b.publish('t', [msg('last words')]);
    const closing = b.close();
    expect(sends).toHaveLength(1);
    expect(await settledState(closing)).toBe('pending');
    sends[0]!.ack();
    await closing;
    await pending;
    await expect(b.publish('t', [msg('too late')])).rejects.toBeInstanceOf(BusClosedError);
  });
});
