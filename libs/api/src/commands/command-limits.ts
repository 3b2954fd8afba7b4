import { badRequest } from '../http/problem';

/**
 * The bounds of a station command the API can honour. A station has one outbound call slot
 * (OCPP-J: one outstanding CALL per direction), and the gateway holds it at most its call timeout
 * (OCPP_CALL_TIMEOUT_MS), so a longer `timeoutSeconds` could not be kept: it is refused.
 */
export abstract class CommandLimits {
  /** The gateway's call timeout, in ms: the longest a command may wait for the station. */
  abstract readonly callTimeoutMs: number;
}

/** The gateway's default (DEFAULT_GATEWAY_OPTIONS.callTimeoutMs): the API's when none is given. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
/** A command queued for an offline station stays deliverable this long at most (30 days). */
export const MAX_TTL_SECONDS = 30 * 86_400;
export const DEFAULT_TTL_SECONDS = 86_400;

export function maxTimeoutSeconds(limits: CommandLimits): number {
  return Math.max(1, Math.floor(limits.callTimeoutMs / 1000));
}

/** `timeoutSeconds`: 1 to the gateway's call timeout, default the whole of it (at most 30 s). */
export function timeoutSecondsParameter(raw: string | undefined, limits: CommandLimits): number {
  const max = maxTimeoutSeconds(limits);
  return wholeSeconds(raw, 'timeoutSeconds', Math.min(30, max), max, ' (the gateway call timeout, OCPP_CALL_TIMEOUT_MS)');
}

/** `ttlSeconds`: 1 to 30 days, default one day. */
export function ttlSecondsParameter(raw: string | undefined): number {
  return wholeSeconds(raw, 'ttlSeconds', DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, '');
}

function wholeSeconds(raw: string | undefined, name: string, fallback: number, max: number, why: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw badRequest(`${name} must be a whole number of seconds from 1 to ${max}${why}`, { errors: [{ path: `query.${name}`, message: `from 1 to ${max}` }] });
  }
  return value;
}
