/** Every key and channel name starts with the prefix (default "csms:"), so tenants, environments and tests can share a server. */
export const DEFAULT_KEY_PREFIX = 'csms:';

/**
 * The key layout (docs/registry.md). Each name is `${prefix}${kind}:${id}` with the kind before the
 * id, so no id can make two kinds collide. The Lua scripts build the per-pod and per-station
 * names themselves from the prefix: keep these in step with REGISTRY_LUA / PENDING_LUA.
 */
export class RegistryKeys {
  constructor(readonly prefix: string = DEFAULT_KEY_PREFIX) {}

  /** Hash {pod, conn, proto, since}: where a station's socket lives. */
  station(stationId: string): string {
    return `${this.prefix}reg:station:${stationId}`;
  }

  /** Sorted set (all scores 0, ordered by id) of every registered station: list() pages through it. */
  get stations(): string {
    return `${this.prefix}reg:stations`;
  }

  /** Sorted set of the stations a pod holds: list({podId}), releasePod and reaping read it. */
  pod(podId: string): string {
    return `${this.prefix}reg:pod:${podId}`;
  }

  /** String with a PX TTL: the pod is alive while it exists. */
  lease(podId: string): string {
    return `${this.prefix}reg:lease:${podId}`;
  }

  /** Set of pods that hold stations or a lease: what reapers look through. */
  get pods(): string {
    return `${this.prefix}reg:pods`;
  }

  /** Random token written once; when it is gone or different, Redis lost our data. */
  get epoch(): string {
    return `${this.prefix}reg:epoch`;
  }

  /** Hash of one pending command: {cmd (JSON), status, outcome (JSON), updatedAt, expiresAtMs, station, member, taken}. */
  command(commandId: string): string {
    return `${this.prefix}cmd:${commandId}`;
  }

  /** Sorted set of a station's waiting commands, scored by createdAt (ms), ties by enqueue sequence. */
  commandQueue(stationId: string): string {
    return `${this.prefix}cmdq:${stationId}`;
  }

  /** Counter behind the enqueue sequence. */
  get commandSeq(): string {
    return `${this.prefix}cmdseq`;
  }

  /** Pub/sub channel of one pod. */
  podChannel(podId: string): string {
    return `${this.prefix}podchan:${podId}`;
  }
}
