// Rules both adapters apply the same way, so the contract suite holds them to one behaviour.

/** The largest page list() hands out. */
export const MAX_LIST_LIMIT = 1_000;

/** How long a finished pending command stays readable (status resource) before it is dropped. */
export const DEFAULT_COMPLETED_RETENTION_MS = 24 * 3_600_000;

export function checkListLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new RangeError(`list limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${limit}`);
  }
}

export function checkLeaseMs(leaseMs: number): void {
  if (!Number.isInteger(leaseMs) || leaseMs < 1) {
    throw new RangeError(`a pod lease must be a positive integer of milliseconds, got ${leaseMs}`);
  }
}

/** Milliseconds since the epoch of an ISO-8601 instant; throws on anything else. */
export function instantMs(field: string, iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new TypeError(`${field} must be an ISO-8601 instant, got "${iso}"`);
  return ms;
}
