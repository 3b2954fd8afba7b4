import { isTimeZone } from '@evcsms/billing';

const CANONICAL = new Set(Intl.supportedValuesOf('timeZone'));

/**
 * An IANA zone name as Intl knows it: a canonical name (Intl.supportedValuesOf) or an
 * Area/Location alias Intl resolves (Europe/Kiev). Abbreviations (CET, EST) and offsets are
 * refused: they carry no daylight-saving rules, which tariff restrictions need.
 */
export function timeZoneProblem(timeZone: string): string | undefined {
  if (CANONICAL.has(timeZone) || timeZone === 'UTC') return undefined;
  if (timeZone.includes('/') && isTimeZone(timeZone)) return undefined;
  return `${timeZone} is not an IANA time zone name (like Europe/Berlin)`;
}
