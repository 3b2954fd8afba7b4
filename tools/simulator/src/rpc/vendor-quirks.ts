import type { LeniencyProfile, RelaxableCheck } from '@evcsms/ocpp';

/**
 * Deviations seen in deployed chargers, which a station can be told to reproduce. Each is one of
 * the platform's named leniency checks, so a test can pair a quirky station with a leniency
 * profile that lets exactly that through.
 */
export type VendorQuirk = 'numbersAsStrings' | 'timestampsWithoutZone';

export const VENDOR_QUIRKS: readonly VendorQuirk[] = ['numbersAsStrings', 'timestampsWithoutZone'];

const CHECK_OF: Record<VendorQuirk, RelaxableCheck> = {
  numbersAsStrings: 'numberAsString',
  timestampsWithoutZone: 'dateTimeWithoutZone',
};

const ZONED_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:Z|[+-]\d{2}:\d{2})$/;

function transform(value: unknown, quirks: ReadonlySet<VendorQuirk>): unknown {
  if (typeof value === 'number' && quirks.has('numbersAsStrings')) return String(value);
  if (typeof value === 'string' && quirks.has('timestampsWithoutZone')) return value.replace(ZONED_TIME, '$1');
  if (Array.isArray(value)) return value.map((item) => transform(item, quirks));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, transform(item, quirks)]));
  }
  return value;
}

/** The payload as a quirky charger would put it on the wire (applied after strict validation). */
export function applyQuirks(payload: Record<string, unknown>, quirks: ReadonlySet<VendorQuirk>): Record<string, unknown> {
  return quirks.size === 0 ? payload : (transform(payload, quirks) as Record<string, unknown>);
}

/** The leniency profile under which the quirky payload must still validate. */
export function leniencyFor(quirks: ReadonlySet<VendorQuirk>): LeniencyProfile {
  return { name: `simulator-quirks:${[...quirks].join('+')}`, match: {}, relax: [...quirks].map((quirk) => ({ check: CHECK_OF[quirk] })) };
}
