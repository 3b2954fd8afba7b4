import { isDateTime, isDateTimeWithoutZone } from './date-time.format';

describe('RFC 3339 date-time checks', () => {
  it.each([
    '2025-03-14T09:26:53Z',
    '2025-03-14t09:26:53z',
    '2025-03-14T09:26:53.1Z',
    '2025-03-14T09:26:53.123456789Z',
    '2025-03-14T09:26:53+01:00',
    '2025-03-14T09:26:53.120-05:30',
    '2024-02-29T23:59:59Z',
    '2000-02-29T00:00:00Z',
    '2016-12-31T23:59:60Z',
  ])('accepts %s', (text) => {
    expect(isDateTime(text)).toBe(true);
    expect(isDateTimeWithoutZone(text)).toBe(false);
  });

  it.each([
    '2025-03-14T09:26:53',
    '2025-03-14 09:26:53Z',
    '2025-03-14T09:26Z',
    '2025-3-14T09:26:53Z',
    '2025-03-14T09:26:53.Z',
    '2025-03-14T09:26:53+0100',
    '2025-03-14T09:26:53+01',
    '2025-03-14T24:00:00Z',
    '2025-03-14T09:60:00Z',
    '2025-03-14T09:26:61Z',
    '2025-00-14T09:26:53Z',
    '2025-04-31T09:26:53Z',
    '2023-02-29T09:26:53Z',
    '1900-02-29T09:26:53Z',
    '2025-03-14T09:26:53Zjunk',
    '2025-03-14T09:26:53+24:00',
    '٢٠٢٥-03-14T09:26:53Z',
    '',
  ])('rejects %s', (text) => {
    expect(isDateTime(text)).toBe(false);
  });

  it('recognises a date-time that lacks only its zone', () => {
    expect(isDateTimeWithoutZone('2025-03-14T09:26:53')).toBe(true);
    expect(isDateTimeWithoutZone('2025-03-14T09:26:53.5')).toBe(true);
    expect(isDateTimeWithoutZone('2025-03-14T25:26:53')).toBe(false);
    expect(isDateTimeWithoutZone('2025-03-14')).toBe(false);
  });
});
