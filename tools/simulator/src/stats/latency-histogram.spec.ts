import { LatencyHistogram } from './latency-histogram';

describe('call latency histogram', () => {
  it('gives quantiles within one bucket (~9 %) and adds up across workers', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 1; i <= 99; i++) a.recordMs(2);
    b.recordMs(100);
    a.merge(b);
    expect(a.total).toBe(100);
    expect(a.quantileMs(0.5)).toBeGreaterThanOrEqual(2);
    expect(a.quantileMs(0.5)).toBeLessThan(2 * 1.1);
    expect(a.quantileMs(1)).toBeGreaterThanOrEqual(100);
    expect(new LatencyHistogram().quantileMs(0.5)).toBeUndefined();
  });
});
