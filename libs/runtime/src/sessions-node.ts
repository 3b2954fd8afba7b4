import { RetryableError, type MessageBus, type Subscription } from '@evcsms/bus';
import { TOPICS, type StationPresenceEnvelope } from '@evcsms/contracts';
import type { Logger } from '@evcsms/logging';
import type { PodChannel } from '@evcsms/registry';
import type { MetricsRegistry } from '@evcsms/metrics';
import { createStationCallMetrics, StationCallConsumer } from '@evcsms/routing';
import { createPresenceBatchProcessor, createPresenceProcessor, OutboxRelay, SessionsProcessors, type SessionsOptions } from '@evcsms/sessions';
import { isTransientDatabaseError, type DataSource } from '@evcsms/data-access';
import { StationEventRetention } from './station-event-retention';

export const SESSIONS_GROUP = 'sessions';
export const SESSIONS_PRESENCE_GROUP = 'sessions-presence';
/** How long the station event log keeps what stations reported, unless configured. */
export const DEFAULT_STATION_EVENTS_RETENTION_DAYS = 90;

export interface SessionsNodeOptions extends SessionsOptions {
  /** Consumer metrics (messages by action and outcome, batches, lag) go here when given. */
  readonly metrics?: MetricsRegistry;
  /** Station events older than this are deleted (STATION_EVENTS_RETENTION_DAYS, default 90). */
  readonly stationEventsRetentionDays?: number;
}

/**
 * The sessions service wired to the spine: station calls in its consumer group (replies back to
 * the gateway pods), presence in a second group, and the outbox relay that publishes its domain
 * events. Scale it by running more replicas: Kafka shares the partitions among them.
 */
export class SessionsNode {
  private readonly consumer: StationCallConsumer;
  private readonly relay: OutboxRelay;
  private readonly retention: StationEventRetention;
  private presence: Subscription | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: MessageBus,
    channel: PodChannel,
    private readonly logger: Logger,
    options: SessionsNodeOptions = {},
  ) {
    // The sessions service is the default owner of station calls: it answers the unclaimed ones.
    const processors = new SessionsProcessors(dataSource, { ...options, logger });
    this.consumer = new StationCallConsumer(
      bus,
      channel,
      processors.processors(),
      {
        groupId: SESSIONS_GROUP,
        answersUnclaimed: true,
        isTransient: isTransientDatabaseError,
        // A partition's batch in one transaction: what makes thousands of meter values per second.
        processBatch: (envelopes) => processors.processBatch(envelopes),
        ...(options.metrics ? { metrics: createStationCallMetrics(options.metrics, SESSIONS_GROUP) } : {}),
      },
      logger,
    );
    this.relay = new OutboxRelay(dataSource, bus, { logger });
    this.retention = new StationEventRetention(dataSource, options.stationEventsRetentionDays ?? DEFAULT_STATION_EVENTS_RETENTION_DAYS, logger);
  }

  async start(): Promise<void> {
    const processPresence = createPresenceProcessor(this.dataSource, { logger: this.logger });
    const processPresenceBatch = createPresenceBatchProcessor(this.dataSource, { logger: this.logger });
    const waitForDatabase = (error: unknown): never => {
      if (isTransientDatabaseError(error)) throw new RetryableError('presence waits for the database', { cause: error });
      throw error;
    };
    this.presence = await this.bus.subscribe({ groupId: SESSIONS_PRESENCE_GROUP, topics: [TOPICS.stationPresence], fromBeginning: true }, async (batch) => {
      const envelopes = batch.map((message) => JSON.parse(message.value) as StationPresenceEnvelope);
      try {
        // The whole batch in one transaction: a reconnect storm is thousands of these.
        await processPresenceBatch(envelopes);
        return;
      } catch (error) {
        if (isTransientDatabaseError(error)) waitForDatabase(error);
        this.logger.warn('presence batch failed; applying its events one by one', { events: envelopes.length, error });
      }
      for (const envelope of envelopes) await processPresence(envelope).catch(waitForDatabase);
    });
    await this.consumer.start();
    this.relay.start();
    this.retention.start();
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.presence?.close();
    await this.relay.stop();
    await this.retention.stop();
  }
}
