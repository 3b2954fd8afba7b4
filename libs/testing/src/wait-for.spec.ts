import { waitFor, WaitForTimeoutError } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `done after ${calls}` : undefined), {
      description: 'three calls',
      intervalMs: 1,
    });
    expect(value).toBe('done after 3');
  });

  it('awaits async predicates and treats throws as "not yet"', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        await Promise.resolve();
        calls += 1;
        if (calls < 2) throw new Error('not ready');
        return 42;
      },
      { description: 'an async value', intervalMs: 1 },
    );
    expect(value).toBe(42);
  });

  it('throws with the description and the last error on timeout', async () => {
    const promise = waitFor(
      () => {
        throw new Error('still broken');
      },
      { description: 'the broken thing to heal', timeoutMs: 30, intervalMs: 5 },
    );
    await expect(promise).rejects.toThrow(WaitForTimeoutError);
    await expect(promise).rejects.toThrow(/waiting for the broken thing to heal; last attempt threw: still broken/);
  });

  it('reports the last falsy value on timeout', async () => {
    await expect(waitFor(() => false, { description: 'never', timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(
      /waiting for never; last value: false/,
    );
  });
});
