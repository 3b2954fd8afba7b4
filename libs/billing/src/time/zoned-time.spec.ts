import { instantsAtWallTime, offsetChanges, wallClock, UnknownTimeZoneError, assertTimeZone } from './zoned-time';

const iso = (ms: number) => new Date(ms).toISOString();

describe('wall-clock time in a site time zone', () => {
  it('reads local time, date and ISO weekday', () => {
    const w = wallClock(Date.parse('2026-03-29T00:30:00Z'), 'Europe/Amsterdam');
    expect([w.date, w.hour, w.minute, w.isoWeekday]).toEqual(['2026-03-29', 1, 30, 7]);
  });

  it('finds no 02:30 on the spring-forward night and two on the fall-back night in Amsterdam', () => {
    expect(instantsAtWallTime('2026-03-29', 150, 'Europe/Amsterdam')).toEqual([]);
    expect(instantsAtWallTime('2026-10-25', 150, 'Europe/Amsterdam').map(iso)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']);
    expect(instantsAtWallTime('2026-03-29', 180, 'Europe/Amsterdam').map(iso)).toEqual(['2026-03-29T01:00:00.000Z']);
  });

  it('finds the offset changes to the millisecond', () => {
    const changes = offsetChanges(Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z'), 'Europe/Amsterdam');
    expect(changes.map(iso)).toEqual(['2026-03-29T01:00:00.000Z', '2026-10-25T01:00:00.000Z']);
    // Lord Howe Island moves by 30 minutes.
    const lordHowe = offsetChanges(Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z'), 'Australia/Lord_Howe');
    expect(lordHowe).toHaveLength(2);
  });

  it('refuses an unknown zone', () => {
    expect(() => assertTimeZone('Mars/Olympus_Mons')).toThrow(UnknownTimeZoneError);
  });
});
