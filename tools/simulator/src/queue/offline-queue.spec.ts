import { OfflineQueue, type DeliveryOutcome } from './offline-queue';

describe('the offline queue of transaction messages', () => {
  it('delivers in the order the messages happened, each after the previous was answered', async () => {
    const queue = new OfflineQueue();
    const sent: string[] = [];
    for (const action of ['StartTransaction', 'MeterValues', 'MeterValues', 'StopTransaction']) queue.push({ action, build: () => ({ n: sent.length }) });
    let inFlight = 0;
    await queue.drain(async (action) => {
      inFlight++;
      expect(inFlight).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1));
      sent.push(action);
      inFlight--;
      return { outcome: 'delivered' };
    });
    expect(sent).toEqual(['StartTransaction', 'MeterValues', 'MeterValues', 'StopTransaction']);
    expect(queue.size).toBe(0);
  });

  it('keeps the head and everything behind it when the connection drops, and resumes from there', async () => {
    const queue = new OfflineQueue();
    for (const action of ['A', 'B', 'C']) queue.push({ action, build: () => ({}) });
    const outcomes: DeliveryOutcome[] = ['delivered', 'retry-later'];
    const sent: string[] = [];
    await queue.drain(async (action) => {
      sent.push(action);
      return { outcome: outcomes.shift() ?? 'delivered' };
    });
    expect(queue.pending()).toEqual(['B', 'C']);
    await queue.drain(async (action) => {
      sent.push(action);
      return { outcome: 'delivered' };
    });
    expect(sent).toEqual(['A', 'B', 'B', 'C']);
  });

  it('fills in what is only known later (a 1.6 transactionId) and hands the answer back', async () => {
    const queue = new OfflineQueue();
    let transactionId: number | undefined;
    queue.push({ action: 'StartTransaction', build: () => ({}), onResult: (response) => (transactionId = response['transactionId'] as number) });
    queue.push({ action: 'StopTransaction', build: () => (transactionId === undefined ? undefined : { transactionId }) });
    const payloads: unknown[] = [];
    await queue.drain(async (action, payload) => {
      payloads.push(payload);
      return { outcome: 'delivered', response: action === 'StartTransaction' ? { transactionId: 17 } : {} };
    });
    expect(payloads).toEqual([{}, { transactionId: 17 }]);
  });

  it('drops a message the CSMS keeps refusing after the allowed attempts, and one that became pointless', async () => {
    const queue = new OfflineQueue({ capacity: 10, maxAttempts: 3 });
    queue.push({ action: 'Refused', build: () => ({}) });
    queue.push({ action: 'Pointless', build: () => undefined });
    queue.push({ action: 'Fine', build: () => ({}) });
    const sent: string[] = [];
    await queue.drain(async (action) => {
      sent.push(action);
      return { outcome: action === 'Refused' ? 'rejected' : 'delivered' };
    });
    expect(sent).toEqual(['Refused', 'Refused', 'Refused', 'Fine']);
    expect(queue.dropped).toBe(2);
  });

  it('reads the allowed attempts at each attempt (the station’s TransactionMessageAttempts) and tells the sender which attempt it is', async () => {
    let allowed = 2;
    const queue = new OfflineQueue({ capacity: 10, maxAttempts: () => allowed });
    queue.push({ action: 'Refused', build: () => ({}) });
    const attempts: Array<[number, number]> = [];
    await queue.drain(async (_action, _payload, attempt, maxAttempts) => {
      attempts.push([attempt, maxAttempts]);
      if (attempt === 1) allowed = 4;
      return { outcome: 'rejected' };
    });
    expect(attempts).toEqual([[1, 2], [2, 4], [3, 4], [4, 4]]);
    expect(queue.dropped).toBe(1);
  });

  it('drops the oldest beyond its capacity', () => {
    const queue = new OfflineQueue({ capacity: 2, maxAttempts: 1 });
    for (const action of ['A', 'B', 'C']) queue.push({ action, build: () => ({}) });
    expect(queue.pending()).toEqual(['B', 'C']);
  });
});
