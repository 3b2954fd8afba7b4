import { RetryableError, type ConsumedMessage, type MessageBus, type Subscription } from '@evcsms/bus';
import { ackResponse, replyModeOf, TOPICS, type PodMessage, type StationCallEnvelope } from '@evcsms/contracts';
import type { InboundCallOutcome } from '@evcsms/gateway';
import type { Logger } from '@evcsms/logging';
import type { PodChannel } from '@evcsms/registry';
import type { StationCallMetrics } from './station-call.metrics';

/** Clocks of gateway and service pods may differ by this much before a call counts as overdue. */
const EXPIRY_GRACE_MS = 1_000;

/** A service's handler for one action. Must be idempotent: redelivery after a crash is normal. */
export type StationCallProcessor = (envelope: StationCallEnvelope) => Promise<InboundCallOutcome>;

export interface StationCallConsumerOptions {
  /** The service's consumer group: every service sees every station call. */
  readonly groupId: string;
  readonly fromBeginning?: boolean;
  /**
   * The service that answers 'reply' calls no service claims: the spec's empty answer for
   * acknowledgement-only actions, NotSupported for the rest, so no station waits for a timeout.
   */
  readonly answersUnclaimed?: boolean;
  /** Failures caused by infrastructure (database down) are retried until it is back, never dead-lettered. */
  readonly isTransient?: (error: unknown) => boolean;
  /**
   * Processes a partition's claimed envelopes together (e.g. one transaction, one INSERT for all
   * meter values), returning one outcome per envelope in order. Without it, one at a time.
   */
  readonly processBatch?: (envelopes: readonly StationCallEnvelope[]) => Promise<InboundCallOutcome[]>;
  /** Messages by action and outcome, batch size and duration, lag (createStationCallMetrics). */
  readonly metrics?: StationCallMetrics;
}

/**
 * The service side of the station-call topic: runs this service's processor for each action it
 * owns, in per-station order, and sends 'reply' answers back to the gateway pod that holds the
 * station's socket. Offsets are committed only after the batch was processed, so a crash means
 * redelivery, never loss.
 */
export class StationCallConsumer {
  private subscription: Subscription | undefined;
  /** Decision calls skipped because their answer was already overdue (see withoutExpired). */
  private expired = 0;

  constructor(
    private readonly bus: MessageBus,
    private readonly channel: PodChannel,
    private readonly processors: ReadonlyMap<string, StationCallProcessor>,
    private readonly options: StationCallConsumerOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(
      { groupId: this.options.groupId, topics: [TOPICS.stationCalls], fromBeginning: this.options.fromBeginning ?? true },
      (batch) => this.processBatch(batch),
    );
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }

  private async processBatch(batch: readonly ConsumedMessage[]): Promise<void> {
    const started = performance.now();
    const envelopes = this.withoutExpired(batch.map((message) => JSON.parse(message.value) as StationCallEnvelope));
    const outcomes = await this.guard(() => this.outcomesOf(envelopes));
    this.measure(batch, envelopes, outcomes, started);
    // All replies at once (the Redis client pipelines them): a boot storm's batch is hundreds.
    const replies = envelopes.map(async (envelope, index) => {
      const outcome = outcomes[index];
      if (!outcome || envelope.replyMode !== 'reply') return;
      const reply: PodMessage = { type: 'call-reply', connectionId: envelope.connectionId, messageId: envelope.messageId, outcome };
      // At most once: if the pod is gone the station never sees this answer and sends again.
      await this.channel.send(envelope.podId, JSON.stringify(reply)).catch((error: unknown) => {
        this.logger.warn('could not return a reply to its gateway', { podId: envelope.podId, stationId: envelope.stationId, error });
      });
    });
    await Promise.all(replies);
  }

  /**
   * Drops the decision calls (BootNotification, Authorize, StartTransaction...) whose station has
   * already been answered InternalError by its gateway: the station sends them again, and the
   * answer to this copy would reach no one. Under overload this is what keeps a backlog from
   * feeding itself (every late answer a retry, every retry more backlog). Nothing is lost: the
   * station was told the message was not taken. Acknowledgement-only calls are always processed.
   */
  private withoutExpired(envelopes: readonly StationCallEnvelope[]): StationCallEnvelope[] {
    const now = Date.now();
    const kept = envelopes.filter(
      (envelope) =>
        envelope.answerBy === undefined ||
        Date.parse(envelope.answerBy) + EXPIRY_GRACE_MS >= now ||
        replyModeOf(envelope.protocol, envelope.action, envelope.payload) === 'ack',
    );
    if (kept.length < envelopes.length) {
      this.expired += envelopes.length - kept.length;
      if (this.options.metrics) for (const envelope of envelopes) if (!kept.includes(envelope)) this.options.metrics.processed(envelope.action, 'expired');
      this.logger.warn('station calls skipped: their stations were already told to retry', { skipped: envelopes.length - kept.length, skippedSinceStart: this.expired });
    }
    return kept;
  }

  /** Outcomes in envelope order; undefined where this service neither owns nor answers the call. */
  private async outcomesOf(envelopes: readonly StationCallEnvelope[]): Promise<Array<InboundCallOutcome | undefined>> {
    const claimed = envelopes.filter((envelope) => this.processors.has(envelope.action));
    let processed: InboundCallOutcome[] = [];
    if (this.options.processBatch) processed = await this.options.processBatch(claimed);
    else for (const envelope of claimed) processed.push(await this.processors.get(envelope.action)!(envelope));
    const byEnvelope = new Map(claimed.map((envelope, index) => [envelope, processed[index]]));
    return envelopes.map((envelope) => (this.processors.has(envelope.action) ? byEnvelope.get(envelope) : this.unclaimed(envelope)));
  }

  private measure(batch: readonly ConsumedMessage[], envelopes: readonly StationCallEnvelope[], outcomes: ReadonlyArray<InboundCallOutcome | undefined>, started: number): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    for (const [index, envelope] of envelopes.entries()) {
      const outcome = outcomes[index];
      metrics.processed(envelope.action, !this.processors.has(envelope.action) ? 'unclaimed' : outcome && 'error' in outcome ? 'callerror' : 'result');
    }
    const oldest = batch.reduce((min, message) => Math.min(min, message.timestamp), Infinity);
    metrics.batch(batch.length, (performance.now() - started) / 1000, Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : 0);
  }

  private unclaimed(envelope: StationCallEnvelope): InboundCallOutcome | undefined {
    if (!this.options.answersUnclaimed) return undefined;
    return replyModeOf(envelope.protocol, envelope.action, envelope.payload) === 'ack'
      ? { result: ackResponse() }
      : { error: { kind: 'NotSupported', description: `${envelope.action} is not supported by this CSMS` } };
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (this.options.isTransient?.(error)) throw new RetryableError('station calls wait for their dependencies', { cause: error });
      throw error;
    }
  }
}
