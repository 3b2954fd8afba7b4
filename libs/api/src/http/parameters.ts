import { badRequest } from './problem';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A query parameter that must be an ISO-8601 instant. */
export function instantParameter(value: string, name: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badRequest(`${name} must be an ISO-8601 date-time`);
  return date;
}

/**
 * An optional `from`/`to` pair of ISO-8601 instants, the period [from, to): every list and report
 * that takes one refuses a `to` not after `from` the same way.
 */
export function periodParameters(from: string | undefined, to: string | undefined): { from?: Date; to?: Date } {
  const start = from === undefined ? undefined : instantParameter(from, 'from');
  const end = to === undefined ? undefined : instantParameter(to, 'to');
  if (start && end && end.getTime() <= start.getTime()) throw badRequest('to must be after from');
  return { ...(start ? { from: start } : {}), ...(end ? { to: end } : {}) };
}

/** A `true`/`false` query flag; anything else is refused rather than read as false. */
export function flagParameter(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw badRequest(`${name} must be true or false`);
  return value === 'true';
}
