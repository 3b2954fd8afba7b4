import { timeZoneProblem } from './site-time-zone.rules';

describe('site time zones', () => {
  it.each(['Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Kolkata', 'Europe/Kiev'])('accepts %s', (zone) => {
    expect(timeZoneProblem(zone)).toBeUndefined();
  });

  it.each(['Mars/Olympus_Mons', 'CET', 'EST', '+01:00', 'GMT+1', '', 'europe berlin'])('refuses %s', (zone) => {
    expect(timeZoneProblem(zone)).toMatch(/not an IANA time zone/);
  });
});
