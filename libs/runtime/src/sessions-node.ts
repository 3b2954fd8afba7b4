import { RetryableError, type MessageBus, type Subscription } from '@evcsms/bus';
import { TOPICS, type StationPresenceEnvelope } from '@evcsms/contracts';
import type { Logger } from '@evcsms/logging';
import type { PodChannel } from '@evcsms/registry';
import { StationCallConsumer } from '@evcsms/routing';
import { createPresenceBatchProcessor, createPresenceProcessor, OutboxRelay, SessionsProcessors, type SessionsOptions } from '@evcsms/sessions';
import { isTransientDatabaseError, type DataSource } from '@evcsms/data-access';

export const SESSIONS_GROUP = 'sessions';
export const SESSIONS_PRESENCE_GROUP = 'sessions-presence';

/**
 * The sessions service wired to the spine: station calls in its consumer group (replies back to
 * the gateway pods), presence in a second group, and the outbox relay that publishes its domain
 * events. Scale it by running more replicas: Kafka shares the partitions among them.
 */
export class SessionsNode {
  private readonly consumer: StationCallConsumer;
  private readonly relay: OutboxRelay;
  private presence: Subscription | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: MessageBus,
    channel: PodChannel,
    private readonly logger: Logger,
    options: SessionsOptions = {},
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
      },
      logger,
    );
    this.relay = new OutboxRelay(dataSource, bus, { logger });
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
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.presence?.close();
    await this.relay.stop();
  }
}
