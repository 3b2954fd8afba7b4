import { RetryableError, type ConsumedMessage, type MessageBus, type Subscription } from '@evcsms/bus';
import { isTransientDatabaseError } from '@evcsms/data-access';
import { silentLogger, type Logger } from '@evcsms/logging';
import { SESSIONS_TOPICS, type SessionEvent } from '@evcsms/sessions';
import type { CostUpdate, StationCommandPort } from '../cost-updates/station-commands.port';
import type { BillingMetrics } from './billing.metrics';
import type { SessionBillingProcessor } from './session-billing.processor';

export const BILLING_GROUP = 'billing';

export interface BillingConsumerOptions {
  readonly groupId?: string;
  /** Sends CostUpdated to 2.0.1 stations when given. */
  readonly stationCommands?: StationCommandPort;
  /** At most one CostUpdated per session this often (default 0: every meter update). */
  readonly costUpdateIntervalMs?: number;
  /** How long a station has to answer CostUpdated (default 10 s). */
  readonly costUpdateTimeoutMs?: number;
  readonly logger?: Logger;
  /** Events applied and CDRs issued are counted here when given (createBillingMetrics). */
  readonly metrics?: BillingMetrics;
}

const SESSION_EVENT_TYPES = new Set(['session-started', 'session-updated', 'session-ended']);

/**
 * Billing's consumer group on the session events. Messages of a partition are applied one after
 * the other (each in its own transaction); a database that is away makes the batch retry until
 * it is back (RetryableError), never dead-lettered. CostUpdated goes out after the commit and is
 * not waited for: a station that is offline or does not support it costs a log line, nothing more.
 */
export class BillingConsumer {
  private subscription: Subscription | undefined;
  private readonly logger: Logger;
  private readonly lastCostUpdate = new Map<string, number>();

  constructor(
    private readonly bus: MessageBus,
    private readonly processor: SessionBillingProcessor,
    private readonly options: BillingConsumerOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    this.subscription = await this.bus.subscribe(
      { groupId: this.options.groupId ?? BILLING_GROUP, topics: [SESSIONS_TOPICS.sessionEvents], fromBeginning: true },
      (batch) => this.handle(batch),
    );
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }

  private async handle(batch: readonly ConsumedMessage[]): Promise<void> {
    for (const message of batch) {
      const event = JSON.parse(message.value) as SessionEvent;
      if (!SESSION_EVENT_TYPES.has(event.type)) continue;
      try {
        const outcome = await this.processor.process(event);
        if (outcome.applied) this.options.metrics?.eventApplied(event.type);
        for (const cdr of outcome.issued) {
          this.options.metrics?.cdrIssued(cdr);
          this.logger.info('CDR issued', { cdrId: cdr.id, sessionId: cdr.sessionId, credit: cdr.credit, replaces: cdr.replacesCdrId, currency: cdr.currency });
        }
        if (outcome.costUpdate) this.sendCostUpdate(event.session.sessionId, outcome.costUpdate);
        if (event.type === 'session-ended') this.lastCostUpdate.delete(event.session.sessionId);
      } catch (error) {
        if (isTransientDatabaseError(error)) throw new RetryableError('billing waits for the database', { cause: error });
        throw error;
      }
    }
  }

  private sendCostUpdate(sessionId: string, update: CostUpdate): void {
    const commands = this.options.stationCommands;
    if (!commands) return;
    const now = Date.now();
    const interval = this.options.costUpdateIntervalMs ?? 0;
    const last = this.lastCostUpdate.get(sessionId);
    if (last !== undefined && now - last < interval) return;
    this.lastCostUpdate.set(sessionId, now);
    void commands
      .send(update.stationId, 'CostUpdated', { totalCost: update.totalCost, transactionId: update.transactionId }, { timeoutMs: this.options.costUpdateTimeoutMs ?? 10_000 })
      .then(
        (result) => this.logger.debug('CostUpdated sent', { stationId: update.stationId, transactionId: update.transactionId, result }),
        (error: unknown) => this.logger.warn('CostUpdated not delivered', { stationId: update.stationId, transactionId: update.transactionId, error }),
      );
  }
}
