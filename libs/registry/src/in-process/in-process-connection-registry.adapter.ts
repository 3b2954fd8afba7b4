import type { ConnectionRegistry, DeadPod, StationLocation } from '../connection-registry.port';
import { checkLeaseMs, checkListLimit } from '../registry.rules';

type ListQuery = Parameters<ConnectionRegistry['list']>[0];
type ListPage = Awaited<ReturnType<ConnectionRegistry['list']>>;

interface PodState {
  /** Milliseconds since the epoch; 0 = no lease. */
  leaseUntil: number;
  readonly stations: Set<string>;
}

/**
 * The connection registry of the embedded mode: one process, plain maps. It keeps the same rules
 * as the Redis adapter (libs/registry/test/registry-contract.suite.ts), leases included, so code
 * written against it behaves the same in production.
 */
export class InProcessConnectionRegistry implements ConnectionRegistry {
  private readonly stations = new Map<string, StationLocation>();
  private readonly pods = new Map<string, PodState>();
  /** Pods whose lease this registry renewed: a renewal that finds it lapsed means "re-register". */
  private readonly renewedPods = new Set<string>();
  private readonly resetListeners: Array<() => void> = [];
  /** Station ids in order for list(); rebuilt lazily after the key set changed. */
  private sortedIds: string[] | undefined;
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  register(location: StationLocation): Promise<StationLocation | undefined> {
    const entry: StationLocation = {
      stationId: location.stationId,
      podId: location.podId,
      connectionId: location.connectionId,
      protocol: location.protocol,
      connectedAt: location.connectedAt,
    };
    const previous = this.stations.get(entry.stationId);
    if (!previous) this.sortedIds = undefined;
    else if (previous.podId !== entry.podId) this.pods.get(previous.podId)?.stations.delete(entry.stationId);
    this.stations.set(entry.stationId, entry);
    this.pod(entry.podId).stations.add(entry.stationId);
    return Promise.resolve(previous);
  }

  unregister(stationId: string, connectionId: string): Promise<boolean> {
    const current = this.stations.get(stationId);
    if (!current || current.connectionId !== connectionId) return Promise.resolve(false);
    this.remove(current);
    return Promise.resolve(true);
  }

  lookup(stationId: string): Promise<StationLocation | undefined> {
    const current = this.stations.get(stationId);
    return Promise.resolve(current && this.isAlive(current.podId) ? current : undefined);
  }

  livePods(): Promise<readonly string[]> {
    return settle(() => [...this.pods.keys()].filter((podId) => this.isAlive(podId)).sort());
  }

  list(query: ListQuery): Promise<ListPage> {
    return settle(() => this.listNow(query));
  }

  renewPodLease(podId: string, leaseMs: number): Promise<void> {
    return settle(() => this.renewNow(podId, leaseMs));
  }

  releasePod(podId: string): Promise<readonly StationLocation[]> {
    this.renewedPods.delete(podId);
    return Promise.resolve(this.drain(podId));
  }

  reapDeadPods(): Promise<readonly DeadPod[]> {
    const dead: DeadPod[] = [];
    for (const podId of [...this.pods.keys()]) {
      if (!this.isAlive(podId)) dead.push({ podId, stations: this.drain(podId) });
    }
    return Promise.resolve(dead);
  }

  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  health(): { readonly healthy: boolean; readonly detail: string } {
    return this.closed
      ? { healthy: false, detail: 'in-process registry closed' }
      : { healthy: true, detail: `in-process registry: ${this.stations.size} stations on ${this.pods.size} pods` };
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private listNow(query: ListQuery): ListPage {
    checkListLimit(query.limit);
    const ids = (this.sortedIds ??= [...this.stations.keys()].sort());
    const items: StationLocation[] = [];
    let index = query.cursor === undefined ? 0 : firstAfter(ids, query.cursor);
    for (; index < ids.length && items.length < query.limit; index++) {
      const location = this.stations.get(ids[index]!);
      if (!location || (query.podId !== undefined && location.podId !== query.podId)) continue;
      if (this.isAlive(location.podId)) items.push(location);
    }
    const last = items[items.length - 1];
    return { items, nextCursor: index < ids.length && last ? last.stationId : null };
  }

  private renewNow(podId: string, leaseMs: number): void {
    checkLeaseMs(leaseMs);
    const lapsed = this.renewedPods.has(podId) && !this.isAlive(podId);
    this.pod(podId).leaseUntil = this.now() + leaseMs;
    this.renewedPods.add(podId);
    // Reapers may already have removed this pod's stations: the pod must register them again.
    if (lapsed) setImmediate(() => this.fireReset());
  }

  private pod(podId: string): PodState {
    let pod = this.pods.get(podId);
    if (!pod) {
      pod = { leaseUntil: 0, stations: new Set() };
      this.pods.set(podId, pod);
    }
    return pod;
  }

  private isAlive(podId: string): boolean {
    const pod = this.pods.get(podId);
    return pod !== undefined && pod.leaseUntil > this.now();
  }

  /** Removes the pod and the stations that still point to it; returns those. */
  private drain(podId: string): StationLocation[] {
    const pod = this.pods.get(podId);
    if (!pod) return [];
    this.pods.delete(podId);
    const removed: StationLocation[] = [];
    for (const stationId of pod.stations) {
      const location = this.stations.get(stationId);
      if (location?.podId !== podId) continue;
      this.stations.delete(stationId);
      removed.push(location);
    }
    if (removed.length) this.sortedIds = undefined;
    return removed;
  }

  private remove(location: StationLocation): void {
    this.stations.delete(location.stationId);
    this.pods.get(location.podId)?.stations.delete(location.stationId);
    this.sortedIds = undefined;
  }

  private fireReset(): void {
    for (const listener of this.resetListeners) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the others still need to hear about the reset.
      }
    }
  }
}

/** Runs `fn` now and turns its result or its throw into a promise. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(fn()));
}

/** Index of the first id greater than `cursor` in a sorted array. */
function firstAfter(ids: readonly string[], cursor: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ids[mid]! <= cursor) low = mid + 1;
    else high = mid;
  }
  return low;
}
