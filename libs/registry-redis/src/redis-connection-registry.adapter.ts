import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Logger } from '@evcsms/logging';
import type { OcppVersion } from '@evcsms/ocpp';
import { checkLeaseMs, checkListLimit, type ConnectionRegistry, type DeadPod, type StationLocation } from '@evcsms/registry';
import { DEFAULT_KEY_PREFIX, RegistryKeys } from './redis-keys';
import { defineScripts, REGISTRY_LUA } from './redis-scripts';

export type RegistryLogger = Pick<Logger, 'warn' | 'error'>;

export interface RedisConnectionRegistryOptions {
  /** The command connection. Not owned: whoever created it closes it (createRedisRegistry does). */
  readonly redis: Redis;
  readonly keyPrefix?: string;
  /** How often to check that Redis still holds our data, besides after each reconnect (default 5000; 0 = only then). */
  readonly resetCheckIntervalMs?: number;
  readonly logger?: RegistryLogger;
}

export const DEFAULT_RESET_CHECK_INTERVAL_MS = 5_000;

type ListQuery = Parameters<ConnectionRegistry['list']>[0];
type ListPage = Awaited<ReturnType<ConnectionRegistry['list']>>;

/**
 * The connection registry in Redis (layout and scripts: docs/registry.md). Stations are hashes
 * indexed per pod; a pod's lease is a key with a PX TTL that the pod renews, and an entry counts
 * only while its pod's lease key exists, so the stations of a dead pod vanish from lookups the
 * moment its lease expires, before any reaper runs.
 *
 * It notices when Redis lost its data (restart without persistence, FLUSHALL, failover to an
 * empty replica) through an epoch key, checked after every reconnect, on each lease renewal and
 * periodically, and then calls the onReset listeners so the pods register their stations again.
 */
export class RedisConnectionRegistry implements ConnectionRegistry {
  private readonly redis: Redis;
  private readonly keys: RegistryKeys;
  private readonly scripts: ReturnType<typeof defineScripts<keyof typeof REGISTRY_LUA>>;
  private readonly logger: RegistryLogger | undefined;
  private readonly resetListeners: Array<() => void> = [];
  /** Pods whose lease this client renewed: a renewal that finds it gone means the pod was presumed dead. */
  private readonly renewedPods = new Set<string>();
  private readonly timer: NodeJS.Timeout | undefined;
  /** The epoch token last seen; undefined until the first check. */
  private epoch: string | undefined;
  private checks: Promise<unknown> = Promise.resolve();
  private lastError: string | undefined;
  private closed = false;

  private readonly onReady = (): void => {
    this.lastError = undefined;
    this.checkResetQuietly();
  };

  private readonly onError = (error: unknown): void => {
    this.lastError = error instanceof Error ? error.message : String(error);
  };

  constructor(options: RedisConnectionRegistryOptions) {
    this.redis = options.redis;
    this.keys = new RegistryKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
    this.scripts = defineScripts(this.redis, REGISTRY_LUA);
    this.logger = options.logger;
    this.redis.on('ready', this.onReady);
    this.redis.on('error', this.onError);
    if (this.redis.status === 'ready') this.checkResetQuietly();
    const interval = options.resetCheckIntervalMs ?? DEFAULT_RESET_CHECK_INTERVAL_MS;
    if (interval > 0) {
      this.timer = setInterval(() => {
        if (this.redis.status === 'ready') this.checkResetQuietly();
      }, interval);
      this.timer.unref();
    }
  }

  async register(location: StationLocation): Promise<StationLocation | undefined> {
    const { stationId, podId } = location;
    const previous = await this.scripts.register(
      this.keys.station(stationId),
      this.keys.stations,
      this.keys.pod(podId),
      this.keys.pods,
      this.keys.prefix,
      stationId,
      podId,
      location.connectionId,
      location.protocol,
      location.connectedAt,
    );
    return previous === null ? undefined : toLocation(stationId, previous as string[], 0);
  }

  async unregister(stationId: string, connectionId: string): Promise<boolean> {
    const removed = await this.scripts.unregister(this.keys.station(stationId), this.keys.stations, this.keys.prefix, stationId, connectionId);
    return removed === 1;
  }

  async lookup(stationId: string): Promise<StationLocation | undefined> {
    const found = await this.scripts.lookup(this.keys.station(stationId), this.keys.prefix);
    return found === null ? undefined : toLocation(stationId, found as string[], 0);
  }

  async list(query: ListQuery): Promise<ListPage> {
    checkListLimit(query.limit);
    const index = query.podId === undefined ? this.keys.stations : this.keys.pod(query.podId);
    const budget = Math.max(query.limit * 4, 1_000);
    const flat = (await this.scripts.list(index, this.keys.prefix, query.cursor ?? '', query.limit, query.podId ?? '', budget)) as string[];
    const items: StationLocation[] = [];
    for (let i = 1; i + 4 < flat.length; i += 5) items.push(toLocation(flat[i]!, flat, i + 1));
    const next = flat[0];
    return { items, nextCursor: next ? next : null };
  }

  async livePods(): Promise<readonly string[]> {
    const pods = (await this.redis.smembers(this.keys.pods)).sort();
    if (pods.length === 0) return [];
    const leases = await this.redis.mget(pods.map((podId) => this.keys.lease(podId)));
    return pods.filter((_podId, index) => leases[index] !== null);
  }

  async renewPodLease(podId: string, leaseMs: number): Promise<void> {
    checkLeaseMs(leaseMs);
    const [existed, epoch] = (await this.scripts.renew(this.keys.lease(podId), this.keys.pods, this.keys.epoch, podId, leaseMs)) as [number, string];
    if (epoch !== this.epoch) {
      // The store changed under us (or this is our first look): the epoch check decides and tells the listeners.
      await this.checkReset().catch(() => false);
    } else if (existed === 0 && this.renewedPods.has(podId)) {
      this.fireReset(`the lease of pod ${podId} had lapsed; reapers may have removed its stations`);
    }
    this.renewedPods.add(podId);
  }

  async releasePod(podId: string): Promise<readonly StationLocation[]> {
    this.renewedPods.delete(podId);
    const flat = (await this.scripts.release(this.keys.lease(podId), this.keys.pods, this.keys.pod(podId), this.keys.stations, this.keys.prefix, podId)) as string[];
    return fromDrained(podId, flat);
  }

  async reapDeadPods(): Promise<readonly DeadPod[]> {
    const candidates = (await this.scripts.deadPods(this.keys.pods, this.keys.prefix)) as string[];
    const outcomes = await Promise.allSettled(
      candidates.map(async (podId) => {
        const flat = await this.scripts.reapPod(this.keys.lease(podId), this.keys.pods, this.keys.pod(podId), this.keys.stations, this.keys.prefix, podId);
        return flat === null ? undefined : { podId, stations: fromDrained(podId, flat as string[]) };
      }),
    );
    const dead: DeadPod[] = [];
    const failures: unknown[] = [];
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') failures.push(outcome.reason);
      else if (outcome.value) dead.push(outcome.value);
    }
    // What was reaped is handed out even if some pods failed: those stay dead in the index for the next round.
    if (failures.length && !dead.length) throw failures[0] as Error;
    if (failures.length) this.logger?.warn('some dead pods could not be reaped this round', { failures: failures.length });
    return dead;
  }

  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  health(): { readonly healthy: boolean; readonly detail: string } {
    if (this.closed) return { healthy: false, detail: 'registry closed' };
    const status = this.redis.status;
    if (status === 'ready') return { healthy: true, detail: `redis ready (prefix ${this.keys.prefix})` };
    return { healthy: false, detail: `redis ${status}${this.lastError ? `: ${this.lastError}` : ''}` };
  }

  /** Stops watching the connection; the connection itself belongs to its creator. */
  close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
    this.redis.off('error', this.onError);
    return Promise.resolve();
  }

  /**
   * Compares the epoch key with the one last seen (creating it when missing). Returns true when
   * Redis lost our data since, after telling the onReset listeners. Checks run one at a time.
   */
  checkReset(): Promise<boolean> {
    const run = this.checks.then(() => this.compareEpoch());
    this.checks = run.catch(() => undefined);
    return run;
  }

  private async compareEpoch(): Promise<boolean> {
    const current = (await this.scripts.epoch(this.keys.epoch, randomUUID())) as string;
    const previous = this.epoch;
    this.epoch = current;
    if (previous === undefined || previous === current) return false;
    // Every lease is gone with the data: the next renewals are fresh ones, not lapses.
    this.renewedPods.clear();
    this.fireReset('Redis lost the registry data (restart without persistence, flush or failover)');
    return true;
  }

  private checkResetQuietly(): void {
    this.checkReset().catch((error: unknown) => {
      this.logger?.warn('registry reset check failed; will retry', { error });
    });
  }

  private fireReset(reason: string): void {
    if (this.closed) return;
    this.logger?.warn('connection registry reset: pods register their stations again', { reason });
    // Listeners run after the call that noticed, never inside it.
    setImmediate(() => {
      for (const listener of this.resetListeners) {
        try {
          listener();
        } catch (error) {
          this.logger?.error('registry reset listener failed', { error });
        }
      }
    });
  }
}

function toLocation(stationId: string, fields: readonly string[], at: number): StationLocation {
  return {
    stationId,
    podId: fields[at]!,
    connectionId: fields[at + 1]!,
    // Written by a gateway that speaks it; a newer gateway may know versions this one does not.
    protocol: fields[at + 2] as OcppVersion,
    connectedAt: fields[at + 3]!,
  };
}

/** The flat {id, conn, proto, since, ...} of the drain in REGISTRY_LUA. */
function fromDrained(podId: string, flat: readonly string[]): StationLocation[] {
  const stations: StationLocation[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    stations.push({ stationId: flat[i]!, podId, connectionId: flat[i + 1]!, protocol: flat[i + 2] as OcppVersion, connectedAt: flat[i + 3]! });
  }
  return stations;
}
