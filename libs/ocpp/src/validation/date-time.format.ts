/**
 * RFC 3339 date-time checks for the schemas' `format: "date-time"`, hand-rolled because they run on
 * every timestamp of every frame: fixed-position digit reads are several times faster than the
 * general regex of ajv-formats, and we need the zone-less variant for a leniency rule anyway.
 */

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

/** Checks "YYYY-MM-DDTHH:MM:SS[.fraction]" and returns the index after it, or -1. */
function localPartEnd(text: string): number {
  if (text.length < 19) return -1;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const t = text.charCodeAt(10);
  if (
    year < 0 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    (t !== 84 && t !== 116) ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > (DAYS_IN_MONTH[month - 1] ?? 0) ||
    (month === 2 && day === 29 && !isLeapYear(year)) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 60
  ) {
    return -1;
  }
  let index = 19;
  if (text.charCodeAt(index) === 46) {
    const fractionStart = ++index;
    while (index < text.length && text.charCodeAt(index) >= 48 && text.charCodeAt(index) <= 57) index++;
    if (index === fractionStart) return -1;
  }
  return index;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** RFC 3339 date-time with a zone: "2025-03-01T12:00:00Z", "2025-03-01T12:00:00.123+01:00". */
export function isDateTime(text: string): boolean {
  const index = localPartEnd(text);
  if (index < 0) return false;
  const zone = text.charCodeAt(index);
  if (zone === 90 || zone === 122) return index + 1 === text.length;
  if (zone !== 43 && zone !== 45) return false;
  if (text.length !== index + 6 || text.charCodeAt(index + 3) !== 58) return false;
  const hours = digits(text, index + 1, 2);
  const minutes = digits(text, index + 4, 2);
  return hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59;
}

/** A date-time that is valid except for its missing zone designator ("2025-03-01T12:00:00"). */
export function isDateTimeWithoutZone(text: string): boolean {
  return localPartEnd(text) === text.length;
}
