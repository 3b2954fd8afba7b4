import { energyAt, InvalidTimelineError, meterIntervals } from './session-timeline';

const t0 = new Date('2026-02-02T10:00:00Z');
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);

describe('session timeline', () => {
  it('splits energy between readings so the parts add up to the whole', () => {
    const [interval] = meterIntervals({ startedAt: t0, endedAt: minutes(3), meterPoints: [{ at: minutes(3), energyWh: 10 }] }, false);
    const cuts = [0, 1, 2, 3].map((m) => energyAt(interval!, minutes(m).getTime()));
    // 10 Wh over 3 minutes: 3.33 -> 3, 6.67 -> 6, the last minute gets the remainder 4
    expect(cuts).toEqual([0n, 3n, 6n, 10n]);
  });

  it('treats the time after the last reading as idle in a CDR, but as still charging in a live cost', () => {
    const timeline = { startedAt: t0, endedAt: minutes(20), meterPoints: [{ at: minutes(10), energyWh: 2000 }] };
    expect(meterIntervals(timeline, false).map((i) => i.charging)).toEqual([true, false]);
    expect(meterIntervals(timeline, true).map((i) => i.charging)).toEqual([true, true]);
  });

  it('refuses readings that go backwards, leave the session or are not whole Wh', () => {
    const bad = [
      [{ at: minutes(1), energyWh: 5 }, { at: minutes(2), energyWh: 4 }],
      [{ at: minutes(30), energyWh: 5 }],
      [{ at: minutes(1), energyWh: 1.5 }],
      [{ at: new Date('nonsense'), energyWh: 1 }],
    ];
    for (const meterPoints of bad) {
      expect(() => meterIntervals({ startedAt: t0, endedAt: minutes(20), meterPoints }, false)).toThrow(InvalidTimelineError);
    }
  });
});
