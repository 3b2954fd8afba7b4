import type { StationLocation } from '../src/connection-registry.port';

/**
 * One backing store (a Redis namespace, or one process's memory) as the contract suites see it.
 * Every client() is another process's view of the same data: the in-process adapters hand back
 * the same object, the Redis adapters a new connection.
 */
export interface ContractStore<T> {
  client(): Promise<T>;
  /** Closes every client and deletes the store's data. */
  close(): Promise<void>;
}

export type ContractStoreFactory<T, O = undefined> = (options: O) => Promise<ContractStore<T>>;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `predicate` holds; fails the test, naming `what`, after `timeoutMs`. */
export async function eventually(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

let connectionSeq = 0;

/** A station's socket on a pod, as the gateway would register it. */
export function location(stationId: string, podId: string, overrides: Partial<StationLocation> = {}): StationLocation {
  connectionSeq += 1;
  return {
    stationId,
    podId,
    connectionId: `${podId}/${stationId}/conn-${connectionSeq}`,
    protocol: 'ocpp2.0.1',
    connectedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Zero-padded ids so that expected orders read naturally: CP-007 before CP-010. */
export function stationIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
}
