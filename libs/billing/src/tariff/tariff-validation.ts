import { isCurrencyCode, type CurrencyCode } from '../money/currency';
import { parseMoney, type Money } from '../money/money';
import { compare, fromInteger, mul, parseDecimalRatio, ratioFromNumber, type Ratio } from '../money/ratio';
import {
  DAYS_OF_WEEK,
  RESERVATION_RESTRICTIONS,
  TARIFF_DIMENSIONS,
  type PriceComponent,
  type ReservationRestriction,
  type Tariff,
  type TariffDimensionType,
  type TariffElement,
  type TariffRestrictions,
} from './tariff.model';

/** One problem with a tariff document: a JSON Pointer to the field and what is wrong with it. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export type TariffValidationResult =
  | { readonly ok: true; readonly tariff: Tariff }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

export class TariffValidationError extends Error {
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(`invalid tariff: ${issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ')}`);
    this.name = 'TariffValidationError';
  }
}

const TIME_TEXT = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
/** RFC 3339 with a zone designator: a validity instant must not depend on the server's zone. */
const DATE_TIME_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MAX_ID_LENGTH = 36;

/**
 * Checks an OCPI 2.2.1 Tariff object (plus our extensions) and turns it into a Tariff with exact
 * numbers. Reports every problem at once, each with the JSON Pointer of the offending field, so
 * an API can answer 400 with a problem-details body listing them.
 */
export function validateTariff(input: unknown): TariffValidationResult {
  const issues = new IssueList();
  if (!isObject(input)) return { ok: false, issues: [{ path: '', message: 'must be a JSON object' }] };

  const id = input['id'];
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) issues.add('/id', `must be a string of 1 to ${MAX_ID_LENGTH} characters`);

  const currency = input['currency'];
  const currencyOk = isCurrencyCode(currency);
  if (!currencyOk) issues.add('/currency', 'must be an ISO 4217 currency code with minor units, e.g. "EUR"');

  const version = optional(input['version'], () => integerField(input['version'], '/version', 1, Number.MAX_SAFE_INTEGER, issues)) ?? 1;
  const grace = optional(input['parking_grace_period'], () => integerField(input['parking_grace_period'], '/parking_grace_period', 0, 31 * 86_400, issues)) ?? 0;
  const validFrom = optional(input['start_date_time'], () => dateTimeField(input['start_date_time'], '/start_date_time', issues));
  const validUntil = optional(input['end_date_time'], () => dateTimeField(input['end_date_time'], '/end_date_time', issues));
  if (validFrom != null && validUntil != null && validUntil <= validFrom) issues.add('/end_date_time', 'must be after start_date_time');

  const minPrice = currencyOk ? optional(input['min_price'], () => priceField(input['min_price'], '/min_price', currency, issues)) : null;
  const maxPrice = currencyOk ? optional(input['max_price'], () => priceField(input['max_price'], '/max_price', currency, issues)) : null;
  if (minPrice && maxPrice && minPrice.minor > maxPrice.minor) issues.add('/max_price', 'must not be below min_price');

  const elements: TariffElement[] = [];
  const rawElements = input['elements'];
  if (!Array.isArray(rawElements) || rawElements.length === 0) {
    issues.add('/elements', 'must be a non-empty array of tariff elements');
  } else {
    rawElements.forEach((raw: unknown, index) => {
      const element = elementField(raw, `/elements/${index}`, issues);
      if (element) elements.push(element);
    });
  }

  if (issues.items.length > 0) return { ok: false, issues: issues.items };
  return {
    ok: true,
    tariff: {
      id: id as string,
      version,
      currency: currency as CurrencyCode,
      elements,
      minPrice: minPrice ?? null,
      maxPrice: maxPrice ?? null,
      validFrom: validFrom ?? null,
      validUntil: validUntil ?? null,
      parkingGracePeriodS: grace,
    },
  };
}

/** validateTariff for code paths that only take valid input: throws TariffValidationError. */
export function parseTariff(input: unknown): Tariff {
  const result = validateTariff(input);
  if (!result.ok) throw new TariffValidationError(result.issues);
  return result.tariff;
}

class IssueList {
  readonly items: ValidationIssue[] = [];

  /** Records a problem; returns null so a field parser can `return issues.add(...)`. */
  add(path: string, message: string): null {
    this.items.push({ path, message });
    return null;
  }
}

function elementField(raw: unknown, path: string, issues: IssueList): TariffElement | null {
  if (!isObject(raw)) return issues.add(path, 'must be an object');
  const rawComponents = raw['price_components'];
  if (!Array.isArray(rawComponents) || rawComponents.length === 0) return issues.add(`${path}/price_components`, 'must be a non-empty array');
  const components: PriceComponent[] = [];
  rawComponents.forEach((c: unknown, index) => {
    const component = componentField(c, `${path}/price_components/${index}`, issues);
    if (component && components.some((other) => other.type === component.type)) {
      issues.add(`${path}/price_components/${index}/type`, `${component.type} is already priced in this element`);
    } else if (component) {
      components.push(component);
    }
  });
  const restrictions = optional(raw['restrictions'], () => restrictionsField(raw['restrictions'], `${path}/restrictions`, issues));
  if (components.length !== rawComponents.length || restrictions === null) return null;
  return { priceComponents: components, restrictions: restrictions ?? null };
}

function componentField(raw: unknown, path: string, issues: IssueList): PriceComponent | null {
  if (!isObject(raw)) return issues.add(path, 'must be an object');
  const type = raw['type'];
  const typeOk = typeof type === 'string' && (TARIFF_DIMENSIONS as readonly string[]).includes(type);
  if (!typeOk) issues.add(`${path}/type`, `must be one of ${TARIFF_DIMENSIONS.join(', ')}`);
  const price = decimalField(raw['price'], `${path}/price`, issues);
  if (price && price.num < 0n) issues.add(`${path}/price`, 'must not be negative');
  const vat = optional(raw['vat'], () => {
    const parsed = decimalField(raw['vat'], `${path}/vat`, issues);
    const inRange = parsed && parsed.num >= 0n && compare(parsed, fromInteger(100)) <= 0;
    return inRange ? parsed : parsed && issues.add(`${path}/vat`, 'must be a percentage from 0 to 100');
  });
  const stepSize = integerField(raw['step_size'], `${path}/step_size`, 0, 2_147_483_647, issues);
  if (!typeOk || !price || price.num < 0n || vat === null || stepSize === null) return null;
  return { type: type as TariffDimensionType, price, vat: vat ?? null, stepSize };
}

function restrictionsField(raw: unknown, path: string, issues: IssueList): TariffRestrictions | null {
  if (!isObject(raw)) return issues.add(path, 'must be an object');
  const before = issues.items.length;
  const minutes = (key: string): number | null => optional(raw[key], () => timeField(raw[key], `${path}/${key}`, issues)) ?? null;
  const date = (key: string): string | null => optional(raw[key], () => dateField(raw[key], `${path}/${key}`, issues)) ?? null;
  const decimal = (key: string): Ratio | null => {
    const value = optional(raw[key], () => decimalField(raw[key], `${path}/${key}`, issues)) ?? null;
    if (value && value.num < 0n) return issues.add(`${path}/${key}`, 'must not be negative');
    return value;
  };
  const seconds = (key: string): number | null =>
    optional(raw[key], () => integerField(raw[key], `${path}/${key}`, 0, Number.MAX_SAFE_INTEGER, issues)) ?? null;

  const startMinute = minutes('start_time');
  const endMinute = minutes('end_time');
  if (startMinute !== null && startMinute === endMinute) issues.add(`${path}/end_time`, 'must differ from start_time (an empty or all-day window is ambiguous: omit both)');
  const startDate = date('start_date');
  const endDate = date('end_date');
  if (startDate && endDate && endDate <= startDate) issues.add(`${path}/end_date`, 'must be after start_date (end_date is exclusive)');
  const minKwh = decimal('min_kwh');
  const maxKwh = decimal('max_kwh');
  const minCurrentA = decimal('min_current');
  const maxCurrentA = decimal('max_current');
  const minKw = decimal('min_power');
  const maxKw = decimal('max_power');
  const minDurationS = seconds('min_duration');
  const maxDurationS = seconds('max_duration');
  ordered(minKwh, maxKwh, `${path}/max_kwh`, issues);
  ordered(minCurrentA, maxCurrentA, `${path}/max_current`, issues);
  ordered(minKw, maxKw, `${path}/max_power`, issues);
  if (minDurationS !== null && maxDurationS !== null && maxDurationS <= minDurationS) issues.add(`${path}/max_duration`, 'must be above min_duration');

  let isoWeekdays: number[] | null = null;
  const days = raw['day_of_week'];
  if (days !== undefined && days !== null) {
    if (!Array.isArray(days) || days.length === 0) {
      issues.add(`${path}/day_of_week`, `must be a non-empty array of ${DAYS_OF_WEEK.join(', ')}`);
    } else {
      isoWeekdays = [];
      days.forEach((day: unknown, index) => {
        const iso = typeof day === 'string' ? (DAYS_OF_WEEK as readonly string[]).indexOf(day) + 1 : 0;
        if (iso === 0) issues.add(`${path}/day_of_week/${index}`, `must be one of ${DAYS_OF_WEEK.join(', ')}`);
        else if (isoWeekdays!.includes(iso)) issues.add(`${path}/day_of_week/${index}`, 'is listed twice');
        else isoWeekdays!.push(iso);
      });
    }
  }
  const reservation = raw['reservation'];
  const reservationOk = reservation === undefined || reservation === null || (typeof reservation === 'string' && (RESERVATION_RESTRICTIONS as readonly string[]).includes(reservation));
  if (!reservationOk) issues.add(`${path}/reservation`, `must be one of ${RESERVATION_RESTRICTIONS.join(', ')}`);

  if (issues.items.length > before) return null;
  const kilo = fromInteger(1000);
  return {
    startMinute,
    endMinute,
    startDate,
    endDate,
    minEnergyWh: minKwh && mul(minKwh, kilo),
    maxEnergyWh: maxKwh && mul(maxKwh, kilo),
    minCurrentA,
    maxCurrentA,
    minPowerW: minKw && mul(minKw, kilo),
    maxPowerW: maxKw && mul(maxKw, kilo),
    minDurationS,
    maxDurationS,
    isoWeekdays,
    reservation: (reservation as ReservationRestriction | undefined) ?? null,
  };
}

function ordered(min: Ratio | null, max: Ratio | null, path: string, issues: IssueList): void {
  if (min && max && compare(max, min) <= 0) issues.add(path, 'must be above the corresponding minimum');
}

/**
 * OCPI prices are JSON numbers; we take the number's shortest text (what was written) or a
 * string, and parse that exactly.
 */
function decimalField(value: unknown, path: string, issues: IssueList): Ratio | null {
  const parsed = typeof value === 'number' ? ratioFromNumber(value) : typeof value === 'string' ? parseDecimalRatio(value) : null;
  return parsed ?? issues.add(path, 'must be a decimal number');
}

function integerField(value: unknown, path: string, min: number, max: number, issues: IssueList): number | null {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    return issues.add(path, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function timeField(value: unknown, path: string, issues: IssueList): number | null {
  const match = typeof value === 'string' ? TIME_TEXT.exec(value) : null;
  if (!match) return issues.add(path, 'must be a local time "HH:MM" from 00:00 to 23:59');
  return Number(match[1]) * 60 + Number(match[2]);
}

function dateField(value: unknown, path: string, issues: IssueList): string | null {
  const match = typeof value === 'string' ? DATE_TEXT.exec(value) : null;
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) return value as string;
  }
  return issues.add(path, 'must be a local date "YYYY-MM-DD"');
}

function dateTimeField(value: unknown, path: string, issues: IssueList): number | null {
  const ms = typeof value === 'string' && DATE_TIME_TEXT.test(value) ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : issues.add(path, 'must be an RFC 3339 date-time with a zone, e.g. "2026-03-01T00:00:00Z"');
}

function priceField(value: unknown, path: string, currency: CurrencyCode, issues: IssueList): Money | null {
  if (!isObject(value)) return issues.add(path, 'must be an object with excl_vat (and optionally incl_vat)');
  const excl = value['excl_vat'];
  const parsed = typeof excl === 'number' || typeof excl === 'string' ? parseMoney(excl, currency) : null;
  if (!parsed || parsed.minor < 0n) return issues.add(`${path}/excl_vat`, `must be a non-negative amount with at most the minor units of ${currency}`);
  return parsed;
}

/** Absent (undefined or null) -> undefined; present -> the parser's result (null when invalid). */
function optional<T>(value: unknown, parse: () => T | null): T | null | undefined {
  return value === undefined || value === null ? undefined : parse();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
