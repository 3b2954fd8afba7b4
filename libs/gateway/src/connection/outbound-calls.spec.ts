import { OutboundCallQueue, type OutboundCallResult, type OutboundRequest } from './outbound-calls';

/** The station's single outbound slot: timeouts count from enqueue, so nobody waits past their own. */
describe('outbound calls to one station', () => {
  const sent: string[] = [];
  let queue: OutboundCallQueue;
  beforeEach(() => {
    sent.length = 0;
    queue = new OutboundCallQueue(10, (frame) => sent.push(frame) > 0, () => undefined);
  });

  function request(id: string, timeoutMs: number): { request: OutboundRequest; result: Promise<OutboundCallResult> } {
    let resolve!: (result: OutboundCallResult) => void;
    const result = new Promise<OutboundCallResult>((done) => (resolve = done));
    return { request: { messageId: id, action: 'Reset', frame: `frame-${id}`, timeoutMs, resolve }, result };
  }

  it('fails a call still waiting behind an unanswered one when its own timeout is up, and never sends it', async () => {
    const first = request('1', 400);
    const second = request('2', 150);
    const started = Date.now();
    queue.enqueue(first.request);
    queue.enqueue(second.request);
    await expect(second.result).resolves.toMatchObject({ status: 'failed', failure: 'timeout', message: expect.stringContaining('not sent') });
    expect(Date.now() - started).toBeLessThan(350);
    await expect(first.result).resolves.toMatchObject({ status: 'failed', failure: 'timeout' });
    expect(sent).toEqual(['frame-1']);
    expect(queue.depth).toBe(0);
  });

  it('gives a call sent after waiting only what is left of its timeout', async () => {
    const first = request('1', 300);
    const second = request('2', 1_500);
    const started = Date.now();
    queue.enqueue(first.request);
    queue.enqueue(second.request);
    await first.result;
    expect(sent).toEqual(['frame-1', 'frame-2']);
    await expect(second.result).resolves.toMatchObject({ status: 'failed', failure: 'timeout' });
    // 1.5 s from enqueue, not 0.3 + 1.5.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_450);
    expect(Date.now() - started).toBeLessThan(1_650);
  });

  it('does not send a waiting call with less than a second left when the slot frees up', async () => {
    const first = request('1', 1_100);
    const second = request('2', 1_500);
    queue.enqueue(first.request);
    await new Promise((resolve) => setTimeout(resolve, 200));
    queue.enqueue(second.request);
    // The first times out at 1.1 s; the second then has 0.6 s left: failed, never sent.
    await expect(second.result).resolves.toMatchObject({ status: 'failed', failure: 'timeout', message: expect.stringContaining('not sent') });
    expect(sent).toEqual(['frame-1']);
  });

  it('sends the next waiting call as soon as the outstanding one is answered', async () => {
    const first = request('1', 5_000);
    const second = request('2', 5_000);
    queue.enqueue(first.request);
    queue.enqueue(second.request);
    const taken = queue.take('1');
    expect(taken).toMatchObject({ request: { messageId: '1' } });
    queue.next();
    expect(sent).toEqual(['frame-1', 'frame-2']);
    queue.connectionClosed();
    await expect(second.result).resolves.toMatchObject({ failure: 'delivered-no-answer' });
  });

  it('on a closed connection, fails the call on the wire as delivered and the waiting ones as never sent', async () => {
    const onWire = request('1', 5_000);
    const waiting = request('2', 5_000);
    queue.enqueue(onWire.request);
    queue.enqueue(waiting.request);
    queue.connectionClosed();
    await expect(onWire.result).resolves.toMatchObject({ status: 'failed', failure: 'delivered-no-answer' });
    await expect(waiting.result).resolves.toMatchObject({ status: 'failed', failure: 'connection-closed', message: expect.stringContaining('not sent') });
    expect(sent).toEqual(['frame-1']);
  });
});
