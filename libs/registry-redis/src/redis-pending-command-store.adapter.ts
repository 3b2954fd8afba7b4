import type Redis from 'ioredis';
import {
  DEFAULT_COMPLETED_RETENTION_MS,
  instantMs,
  type PendingCommand,
  type PendingCommandRecord,
  type PendingCommandStatus,
  type PendingCommandStore,
} from '@evcsms/registry';
import { DEFAULT_KEY_PREFIX, RegistryKeys } from './redis-keys';
import { defineScripts, PENDING_LUA } from './redis-scripts';

export interface RedisPendingCommandStoreOptions {
  /** The command connection. Not owned. */
  readonly redis: Redis;
  readonly keyPrefix?: string;
  /** How long a finished (or expired) command stays readable through get() (default 24 h). */
  readonly completedRetentionMs?: number;
}

/**
 * Pending commands in Redis: one hash per command, one sorted set per station as its queue.
 * Every record carries a TTL (its expiry plus the retention while it waits, the retention once
 * finished), so nothing stays forever. Durable as far as the Redis server is: run it with AOF
 * (appendonly yes) if queued commands must survive a Redis restart.
 */
export class RedisPendingCommandStore implements PendingCommandStore {
  private readonly redis: Redis;
  private readonly keys: RegistryKeys;
  private readonly scripts: ReturnType<typeof defineScripts<keyof typeof PENDING_LUA>>;
  private readonly retentionMs: number;

  constructor(options: RedisPendingCommandStoreOptions) {
    this.redis = options.redis;
    this.keys = new RegistryKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
    this.scripts = defineScripts(this.redis, PENDING_LUA);
    this.retentionMs = options.completedRetentionMs ?? DEFAULT_COMPLETED_RETENTION_MS;
  }

  async enqueue(command: PendingCommand): Promise<void> {
    const createdAtMs = instantMs('createdAt', command.createdAt);
    const expiresAtMs = instantMs('expiresAt', command.expiresAt);
    const now = Date.now();
    const stored: PendingCommand = {
      commandId: command.commandId,
      stationId: command.stationId,
      action: command.action,
      payload: command.payload,
      expiresAt: command.expiresAt,
      createdAt: command.createdAt,
    };
    await this.scripts.enqueue(
      this.keys.command(command.commandId),
      this.keys.commandQueue(command.stationId),
      this.keys.commandSeq,
      command.commandId,
      JSON.stringify(stored),
      createdAtMs,
      expiresAtMs,
      Math.max(expiresAtMs, now) + this.retentionMs,
      now,
      new Date(now).toISOString(),
      command.stationId,
    );
  }

  async takeDue(stationId: string): Promise<readonly PendingCommand[]> {
    const now = Date.now();
    const taken = (await this.scripts.takeDue(this.keys.commandQueue(stationId), this.keys.prefix, now, new Date(now).toISOString(), this.retentionMs)) as string[];
    return taken.map((json) => JSON.parse(json) as PendingCommand);
  }

  async complete(commandId: string, status: Exclude<PendingCommandStatus, 'Queued'>, outcome: Record<string, unknown>): Promise<void> {
    await this.scripts.complete(this.keys.command(commandId), this.keys.prefix, status, JSON.stringify(outcome), new Date().toISOString(), this.retentionMs);
  }

  async get(commandId: string): Promise<PendingCommandRecord | undefined> {
    const [json, status, outcome, updatedAt, expiresAtMs, taken] = await this.redis.hmget(
      this.keys.command(commandId),
      'cmd',
      'status',
      'outcome',
      'updatedAt',
      'expiresAtMs',
      'taken',
    );
    if (!json || !status || !updatedAt) return undefined;
    const command = JSON.parse(json) as PendingCommand;
    const expiry = Number(expiresAtMs);
    // Nobody took it before its time ran out: it is Expired whether or not a takeDue noticed yet.
    const lapsed = status === 'Queued' && !taken && expiry <= Date.now();
    return {
      ...command,
      status: lapsed ? 'Expired' : (status as PendingCommandStatus),
      updatedAt: lapsed ? new Date(expiry).toISOString() : updatedAt,
      ...(outcome ? { outcome: JSON.parse(outcome) as Record<string, unknown> } : {}),
    };
  }
}
