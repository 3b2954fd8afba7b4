import { reconnectDelayMs } from './backoff';

describe('reconnect backoff', () => {
  const options = { initialMs: 1_000, maxMs: 60_000 };

  it('doubles per attempt, with jitter between half and all of the exponential delay', () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const ceiling = 1_000 * 2 ** attempt;
      expect(reconnectDelayMs(attempt, options, () => 0)).toBe(ceiling / 2);
      expect(reconnectDelayMs(attempt, options, () => 0.999999)).toBe(Math.round(ceiling / 2 + 0.999999 * (ceiling / 2)));
    }
  });

  it('stays within [max/2, max] however many attempts have failed', () => {
    for (const attempt of [6, 7, 20, 1_000]) {
      for (let i = 0; i < 50; i++) {
        const delay = reconnectDelayMs(attempt, options);
        expect(delay).toBeGreaterThanOrEqual(30_000);
        expect(delay).toBeLessThanOrEqual(60_000);
      }
    }
  });

  it('spreads stations that lost the same gateway instead of bringing them back at once', () => {
    const delays = new Set(Array.from({ length: 100 }, () => reconnectDelayMs(3, options)));
    expect(delays.size).toBeGreaterThan(50);
  });
});
