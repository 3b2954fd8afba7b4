import type {
  PendingCommand,
  PendingCommandRecord,
  PendingCommandStatus,
  PendingCommandStore,
} from '../connection-registry.port';
import { DEFAULT_COMPLETED_RETENTION_MS, instantMs } from '../registry.rules';

export interface InProcessPendingCommandStoreOptions {
  /** How long a finished (or expired) command stays readable through get(). */
  readonly completedRetentionMs?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly command: PendingCommand;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly seq: number;
  status: PendingCommandStatus;
  outcome: Record<string, unknown> | undefined;
  updatedAt: string;
  /** Handed out by takeDue() and not completed yet. */
  taken: boolean;
  /** Dropped from the store at this instant. */
  purgeAtMs: number;
}

/**
 * Pending commands of the embedded mode, kept in memory (lost with the process, like the sockets
 * they wait for). Same rules as the Redis adapter: oldest first, each handed out once, expired
 * ones reported Expired, finished ones dropped after the retention time.
 */
export class InProcessPendingCommandStore implements PendingCommandStore {
  private readonly entries = new Map<string, Entry>();
  /** stationId -> ids of its waiting commands. */
  private readonly queues = new Map<string, Set<string>>();
  private readonly retentionMs: number;
  private readonly now: () => number;
  private seq = 0;
  private nextSweepMs = 0;

  constructor(options: InProcessPendingCommandStoreOptions = {}) {
    this.retentionMs = options.completedRetentionMs ?? DEFAULT_COMPLETED_RETENTION_MS;
    this.now = options.now ?? Date.now;
  }

  enqueue(command: PendingCommand): Promise<void> {
    return new Promise<void>((resolve) => resolve(this.enqueueNow(command)));
  }

  private enqueueNow(command: PendingCommand): void {
    const createdAtMs = instantMs('createdAt', command.createdAt);
    const expiresAtMs = instantMs('expiresAt', command.expiresAt);
    const now = this.now();
    this.sweep();
    // A retried enqueue of the same command keeps the first one.
    if (this.live(command.commandId)) return;
    this.entries.set(command.commandId, {
      command: { ...command, payload: structuredClone(command.payload) },
      createdAtMs,
      expiresAtMs,
      seq: ++this.seq,
      status: 'Queued',
      outcome: undefined,
      updatedAt: new Date(now).toISOString(),
      taken: false,
      purgeAtMs: Math.max(expiresAtMs, now) + this.retentionMs,
    });
    let queue = this.queues.get(command.stationId);
    if (!queue) {
      queue = new Set();
      this.queues.set(command.stationId, queue);
    }
    queue.add(command.commandId);
  }

  takeDue(stationId: string): Promise<readonly PendingCommand[]> {
    const queue = this.queues.get(stationId);
    if (!queue) return Promise.resolve([]);
    this.queues.delete(stationId);
    const now = this.now();
    const waiting = [...queue]
      .map((id) => this.live(id))
      .filter((entry): entry is Entry => entry !== undefined && entry.status === 'Queued' && !entry.taken)
      .sort((a, b) => a.createdAtMs - b.createdAtMs || a.seq - b.seq);
    const due: PendingCommand[] = [];
    for (const entry of waiting) {
      if (entry.expiresAtMs <= now) {
        this.finish(entry, 'Expired', undefined, now);
      } else {
        entry.taken = true;
        due.push({ ...entry.command, payload: structuredClone(entry.command.payload) });
      }
    }
    return Promise.resolve(due);
  }

  complete(commandId: string, status: Exclude<PendingCommandStatus, 'Queued'>, outcome: Record<string, unknown>): Promise<void> {
    const entry = this.live(commandId);
    if (entry) {
      this.queues.get(entry.command.stationId)?.delete(commandId);
      this.finish(entry, status, structuredClone(outcome), this.now());
    }
    return Promise.resolve();
  }

  get(commandId: string): Promise<PendingCommandRecord | undefined> {
    const entry = this.live(commandId);
    if (!entry) return Promise.resolve(undefined);
    const lapsed = entry.status === 'Queued' && !entry.taken && entry.expiresAtMs <= this.now();
    const record: PendingCommandRecord = {
      ...entry.command,
      payload: structuredClone(entry.command.payload),
      status: lapsed ? 'Expired' : entry.status,
      updatedAt: lapsed ? new Date(entry.expiresAtMs).toISOString() : entry.updatedAt,
      ...(entry.outcome ? { outcome: structuredClone(entry.outcome) } : {}),
    };
    return Promise.resolve(record);
  }

  private finish(entry: Entry, status: PendingCommandStatus, outcome: Record<string, unknown> | undefined, now: number): void {
    entry.status = status;
    entry.outcome = outcome;
    entry.taken = false;
    entry.updatedAt = new Date(now).toISOString();
    entry.purgeAtMs = now + this.retentionMs;
  }

  /** The entry, unless its retention ran out (then it is dropped). */
  private live(commandId: string): Entry | undefined {
    const entry = this.entries.get(commandId);
    if (entry && entry.purgeAtMs <= this.now()) {
      this.drop(entry);
      return undefined;
    }
    return entry;
  }

  private drop(entry: Entry): void {
    this.entries.delete(entry.command.commandId);
    const queue = this.queues.get(entry.command.stationId);
    queue?.delete(entry.command.commandId);
    if (queue?.size === 0) this.queues.delete(entry.command.stationId);
  }

  /** Drops what outlived its retention, at most once per retention period (or minute). */
  private sweep(): void {
    const now = this.now();
    if (now < this.nextSweepMs) return;
    this.nextSweepMs = now + Math.min(this.retentionMs, 60_000);
    for (const entry of [...this.entries.values()]) if (entry.purgeAtMs <= now) this.drop(entry);
  }
}
