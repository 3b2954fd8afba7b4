/**
 * The embedded-mode bus: Kafka's model (partitioned logs, consumer groups with committed
 * offsets, at-least-once batches) in this process's memory, with no dependency.
 *
 * Memory only: every message and every committed offset is gone when the process ends. That is
 * the embedded mode's trade (one process, nothing to run beside it); what must survive a restart
 * is made durable by the services in the database before they acknowledge.
 */
import { BusClosedError } from '../bus-errors';
import { errorFields, stderrBusLog, type BusLog } from '../bus-log';
import { deliveryPolicy, logDeliveryEvent, processBatch, type BatchDelivery, type DeliveryEvent, type DeliveryPolicy } from '../delivery';
import { partitionForKey } from '../key-partitioner';
import type {
  BatchHandler,
  BusHealth,
  ConsumedMessage,
  MessageBus,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
} from '../message-bus.port';
import { assertPublishable } from '../publish-validation';

export interface InProcessBusOptions {
  /** Partitions per topic (default 8). */
  readonly partitions?: number;
  /** Most messages handed to a handler at once (default 500). */
  readonly maxBatchSize?: number;
  /**
   * Safety cap per partition (default 100 000). Messages every group has committed are dropped
   * anyway; beyond the cap the oldest go even if a group has not consumed them (as Kafka's
   * size-based retention would), with a warning.
   */
  readonly maxRetainedPerPartition?: number;
  /** Default: warnings and errors as JSON lines on stderr. */
  readonly log?: BusLog;
}

export const IN_PROCESS_BUS_DEFAULTS = { partitions: 8, maxBatchSize: 500, maxRetainedPerPartition: 100_000 } as const;

/** Pause before a partition is tried again after an unexpected delivery failure (a bug, not a handler error). */
const UNEXPECTED_FAILURE_PAUSE_MS = 1000;

/** One partition's log: offsets [start, end), older entries dropped from the front. */
class PartitionLog {
  private entries: ConsumedMessage[] = [];
  private head = 0;
  start = 0;

  get end(): number {
    return this.start + this.size;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  append(message: ConsumedMessage): void {
    this.entries.push(message);
  }

  read(from: number, max: number): ConsumedMessage[] {
    const index = this.head + Math.max(from - this.start, 0);
    return this.entries.slice(index, index + max);
  }

  /** Drops every entry before `offset`. */
  dropBefore(offset: number): number {
    const count = Math.min(offset, this.end) - this.start;
    if (count <= 0) return 0;
    this.head += count;
    this.start += count;
    // Compact now and then rather than shifting the array on every commit.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return count;
  }
}

interface TopicState {
  readonly name: string;
  readonly partitions: PartitionLog[];
  /** Groups that have consumed this topic: their committed offsets hold back retention. */
  readonly groups: Set<GroupState>;
  dropped: number;
}

interface GroupState {
  readonly id: string;
  members: Member[];
  /** topic -> next offset to consume, per partition. */
  readonly committed: Map<string, number[]>;
  /** "topic\0partition" -> owning member. */
  owners: Map<string, Member>;
  /** Partitions with a batch in flight (one at a time per partition per group). */
  readonly busy: Set<string>;
}

interface Member {
  readonly group: GroupState;
  readonly policy: DeliveryPolicy;
  readonly handler: BatchHandler;
  readonly abort: AbortController;
  readonly running: Set<Promise<void>>;
  closed: boolean;
  closing?: Promise<void>;
}

const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class InProcessBus implements MessageBus {
  private readonly partitionCount: number;
  private readonly maxBatchSize: number;
  private readonly maxRetained: number;
  private readonly log: BusLog;
  private readonly topics = new Map<string, TopicState>();
  private readonly groups = new Map<string, GroupState>();
  /** Open members and closing ones still finishing a batch. */
  private readonly members = new Set<Member>();
  private readonly scheduled = new Map<string, { group: GroupState; topic: TopicState; partition: number }>();
  private flushPending = false;
  private closed = false;
  private closing?: Promise<void>;

  constructor(options: InProcessBusOptions = {}) {
    this.partitionCount = positiveInteger('partitions', options.partitions ?? IN_PROCESS_BUS_DEFAULTS.partitions);
    this.maxBatchSize = positiveInteger('maxBatchSize', options.maxBatchSize ?? IN_PROCESS_BUS_DEFAULTS.maxBatchSize);
    this.maxRetained = positiveInteger('maxRetainedPerPartition', options.maxRetainedPerPartition ?? IN_PROCESS_BUS_DEFAULTS.maxRetainedPerPartition);
    this.log = options.log ?? stderrBusLog;
  }

  /**
   * Accepts the messages into memory; handlers run later, never inside this call. (async only so
   * that errors reject: the messages are in the log before the call returns.)
   */
  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new BusClosedError();
    assertPublishable(topic, messages);
    if (messages.length === 0) return;
    const state = this.topic(topic);
    const timestamp = Date.now();
    const touched = new Set<number>();
    for (const message of messages) {
      const partition = partitionForKey(message.key, this.partitionCount);
      const log = state.partitions[partition]!;
      log.append(
        Object.freeze({
          topic,
          partition,
          offset: String(log.end),
          key: message.key,
          value: message.value,
          headers: Object.freeze({ ...message.headers }),
          timestamp,
        }),
      );
      if (log.size > this.maxRetained) this.dropOverCap(state, partition);
      touched.add(partition);
    }
    for (const group of state.groups) for (const partition of touched) this.schedule(group, state, partition);
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    if (this.closed) throw new BusClosedError();
    const policy = deliveryPolicy(options);
    if (typeof handler !== 'function') throw new TypeError('subscribe: handler must be a function');
    const group = this.group(policy.groupId);
    for (const name of policy.topics) {
      const topic = this.topic(name);
      if (!group.committed.has(name)) {
        // A new group starts at the newest message, or the oldest retained with fromBeginning.
        group.committed.set(
          name,
          topic.partitions.map((log) => (policy.fromBeginning ? log.start : log.end)),
        );
        topic.groups.add(group);
      }
    }
    const member: Member = { group, policy, handler, abort: new AbortController(), running: new Set(), closed: false };
    group.members.push(member);
    this.members.add(member);
    this.rebalance(group);
    return { close: () => this.closeMember(member) };
  }

  health(): BusHealth {
    return this.closed
      ? { healthy: false, detail: 'in-process bus closed' }
      : { healthy: true, detail: 'in-process bus (memory only, not durable across restarts)' };
  }

  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      await Promise.all([...this.members].map((member) => this.closeMember(member)));
    })();
    return this.closing;
  }

  /** The partition a key lands on (the same as Kafka's default partitioner for this count). */
  partitionOf(key: string): number {
    return partitionForKey(key, this.partitionCount);
  }

  /** Messages still held for a topic, summed over its partitions (0 for an unknown topic). */
  retainedMessages(topic: string): number {
    return this.topics.get(topic)?.partitions.reduce((sum, log) => sum + log.size, 0) ?? 0;
  }

  private topic(name: string): TopicState {
    let state = this.topics.get(name);
    if (!state) {
      state = {
        name,
        partitions: Array.from({ length: this.partitionCount }, () => new PartitionLog()),
        groups: new Set(),
        dropped: 0,
      };
      this.topics.set(name, state);
    }
    return state;
  }

  private group(id: string): GroupState {
    let group = this.groups.get(id);
    if (!group) {
      group = { id, members: [], committed: new Map(), owners: new Map(), busy: new Set() };
      this.groups.set(id, group);
    }
    return group;
  }

  /**
   * Round-robin over the group's open members, partitions sorted by topic then number, each
   * partition to the next member subscribed to its topic (Kafka's RoundRobinAssigner). A
   * partition whose batch is still in flight stays busy until that batch settles, so its new
   * owner starts from the committed offset and never overlaps the old owner.
   */
  private rebalance(group: GroupState): void {
    const members = group.members.filter((member) => !member.closed);
    const owners = new Map<string, Member>();
    const names = [...new Set(members.flatMap((member) => member.policy.topics))].sort();
    let cursor = 0;
    for (const name of names) {
      const topic = this.topic(name);
      topic.partitions.forEach((_, partition) => {
        for (let step = 0; step < members.length; step += 1) {
          const member = members[(cursor + step) % members.length]!;
          if (!member.policy.topics.includes(name)) continue;
          owners.set(partitionKey(name, partition), member);
          cursor = (cursor + step + 1) % members.length;
          return;
        }
      });
    }
    group.owners = owners;
    for (const name of names) {
      const topic = this.topic(name);
      topic.partitions.forEach((_, partition) => this.schedule(group, topic, partition));
    }
  }

  private schedule(group: GroupState, topic: TopicState, partition: number, delayMs = 0): void {
    if (delayMs > 0) {
      setTimeout(() => this.schedule(group, topic, partition), delayMs).unref();
      return;
    }
    this.scheduled.set(`${group.id}\u0000${partitionKey(topic.name, partition)}`, { group, topic, partition });
    if (this.flushPending) return;
    this.flushPending = true;
    setImmediate(() => {
      this.flushPending = false;
      const due = [...this.scheduled.values()];
      this.scheduled.clear();
      for (const { group: g, topic: t, partition: p } of due) this.deliver(g, t, p);
    });
  }

  private deliver(group: GroupState, topic: TopicState, partition: number): void {
    const key = partitionKey(topic.name, partition);
    if (this.closed || group.busy.has(key)) return;
    const owner = group.owners.get(key);
    if (!owner || owner.closed) return;
    const committed = group.committed.get(topic.name)!;
    const log = topic.partitions[partition]!;
    const from = Math.max(committed[partition]!, log.start);
    const batch = log.read(from, this.maxBatchSize);
    if (batch.length === 0) return;

    group.busy.add(key);
    const delivery: BatchDelivery = {
      policy: owner.policy,
      handler: owner.handler,
      deadLetter: (deadLetterTopic, letters) => this.publish(deadLetterTopic, letters),
      commit: (upTo) => {
        this.commit(group, topic, partition, Number(upTo.offset) + 1);
        return Promise.resolve();
      },
      shouldStop: () => this.closed || owner.closed || group.owners.get(key) !== owner,
      signal: owner.abort.signal,
      onEvent: (event) => this.logDelivery(owner.policy.groupId, event),
    };
    let retryAfterMs = 0;
    const run: Promise<void> = processBatch(batch, delivery)
      .then(
        () => undefined,
        (err: unknown) => {
          retryAfterMs = UNEXPECTED_FAILURE_PAUSE_MS;
          this.log('error', 'in-process bus: delivery failed unexpectedly', { groupId: group.id, topic: topic.name, partition, error: errorFields(err) });
        },
      )
      .finally(() => {
        group.busy.delete(key);
        owner.running.delete(run);
        this.schedule(group, topic, partition, retryAfterMs);
      });
    owner.running.add(run);
  }

  private commit(group: GroupState, topic: TopicState, partition: number, next: number): void {
    const committed = group.committed.get(topic.name)!;
    if (next <= committed[partition]!) return;
    committed[partition] = next;
    let oldestNeeded = Infinity;
    for (const g of topic.groups) oldestNeeded = Math.min(oldestNeeded, g.committed.get(topic.name)![partition]!);
    topic.partitions[partition]!.dropBefore(oldestNeeded);
  }

  private dropOverCap(topic: TopicState, partition: number): void {
    const log = topic.partitions[partition]!;
    const dropped = log.dropBefore(log.end - this.maxRetained);
    const before = topic.dropped;
    topic.dropped += dropped;
    // Once at the first drop, then every 10 000: enough to notice without flooding the log.
    if (before === 0 || Math.floor(before / 10_000) !== Math.floor(topic.dropped / 10_000)) {
      this.log('warn', 'in-process bus: retention cap reached, oldest messages dropped', {
        topic: topic.name,
        partition,
        maxRetainedPerPartition: this.maxRetained,
        droppedSoFar: topic.dropped,
      });
    }
  }

  private closeMember(member: Member): Promise<void> {
    member.closing ??= (async () => {
      member.closed = true;
      member.abort.abort();
      const { group } = member;
      group.members = group.members.filter((other) => other !== member);
      this.rebalance(group);
      await Promise.allSettled([...member.running]);
      this.members.delete(member);
    })();
    return member.closing;
  }

  private logDelivery(groupId: string, event: DeliveryEvent): void {
    logDeliveryEvent(this.log, 'in-process bus', groupId, event);
  }

}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`InProcessBus: ${name} must be a positive integer, got ${value}`);
  return value;
}
