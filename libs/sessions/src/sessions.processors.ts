import type { StationCallEnvelope, StationPresenceEnvelope } from '@evcsms/contracts';
import { isInvalidInputDatabaseError } from '@evcsms/data-access';
import type { InboundCallOutcome } from '@evcsms/gateway';
import { silentLogger, type Logger } from '@evcsms/logging';
import type { OcppVersion } from '@evcsms/ocpp';
import type { StationCallProcessor } from '@evcsms/routing';
import { ocpp16Authorization } from './authorization/authorization.ocpp16.mapper';
import { ocpp201Authorization } from './authorization/authorization.ocpp201.mapper';
import type { AuthorizeCommand } from './authorization/authorize.command';
import { AuthorizeUseCase } from './authorization/authorize.usecase';
import { RecordEdgeAuthorizationUseCase } from './authorization/record-edge-authorization.usecase';
import { ocpp16Availability } from './availability/availability.ocpp16.mapper';
import { ocpp201Availability } from './availability/availability.ocpp201.mapper';
import type { StatusNotificationCommand } from './availability/status-notification.command';
import { StatusNotificationUseCase } from './availability/status-notification.usecase';
import { dataTransferCommand } from './data-transfer/data-transfer.mapper';
import { DataTransferUseCase } from './data-transfer/data-transfer.usecase';
import { InvalidPayloadError } from './domain/invalid-payload.error';
import type { SessionsDataSource } from './infrastructure/database.port';
import { planWaves } from './infrastructure/batch-plan';
import { GroupCommit } from './infrastructure/group-commit';
import { sessionLifecycleLogger } from './infrastructure/session-lifecycle.logger';
import { inTransaction, type CommittedListener, type UnitOfWork } from './infrastructure/unit-of-work';
import type { BootNotificationCommand, BootNotificationResult } from './provisioning/boot-notification.command';
import { BootNotificationUseCase } from './provisioning/boot-notification.usecase';
import { ocpp16Provisioning } from './provisioning/provisioning.ocpp16.mapper';
import { ocpp201Provisioning } from './provisioning/provisioning.ocpp201.mapper';
import { StationPresenceUseCase } from './provisioning/station-presence.usecase';
import { ocpp201Reservation } from './reservation/reservation.ocpp201.mapper';
import { ReservationStatusUpdateUseCase } from './reservation/reservation-status-update.usecase';
import { resolveOptions, type SessionsOptions } from './sessions.options';
import { STATION_EVENT_ACTIONS } from './station-events/station-event.actions';
import { appendStationEvents } from './station-events/station-event.repository';
import type { MeterValuesCommand } from './transactions/meter-values.command';
import { MeterValuesUseCase } from './transactions/meter-values.usecase';
import { StartTransactionUseCase } from './transactions/start-transaction.usecase';
import { StopTransactionUseCase } from './transactions/stop-transaction.usecase';
import { TransactionEventUseCase } from './transactions/transaction-event.usecase';
import { ocpp16Transactions } from './transactions/transactions.ocpp16.mapper';
import { ocpp201Transactions } from './transactions/transactions.ocpp201.mapper';

type Response = Record<string, unknown>;
/** Reads the payload into a command (may throw InvalidPayloadError, before any database work)... */
type Decode = (envelope: StationCallEnvelope) => Work;
/**
 * The work of the messages a batch writes set-based: one statement for all the stations of a
 * wave (see planWaves) instead of a few per message.
 */
type Bulk =
  | { readonly kind: 'MeterValues'; readonly command: MeterValuesCommand }
  | { readonly kind: 'BootNotification'; readonly command: BootNotificationCommand; readonly respond: (result: BootNotificationResult) => Response }
  | { readonly kind: 'StatusNotification'; readonly command: StatusNotificationCommand }
  | { readonly kind: 'StationEvent'; readonly envelope: StationCallEnvelope; readonly response: Response };
type BatchKind = Bulk['kind'] | 'one-by-one';
/**
 * ...then does the work in the message's unit of work and builds the response. Work that can be
 * written set-based also exposes its command (`bulk`), so a batch can store many together.
 */
type Work = ((uow: UnitOfWork) => Promise<Response>) & { readonly bulk?: Bulk };
type ActionHandlers = Readonly<Partial<Record<OcppVersion, Decode>>>;

const asResponse = <T extends object>(payload: T): Response => payload as unknown as Response;
const withBulk = (work: (uow: UnitOfWork) => Promise<Response>, bulk: Bulk): Work => Object.assign(work, { bulk });
const REPEATABLE_IN_A_WAVE: ReadonlySet<BatchKind> = new Set<BatchKind>(['MeterValues']);

/**
 * The sessions service's processors for station CALLs, both protocol versions, keyed by action.
 * Each message runs in one database transaction, domain events included (outbox), and is
 * idempotent: processed again, it changes nothing and gets the same answer.
 */
export class SessionsProcessors {
  private readonly handlers: ReadonlyMap<string, ActionHandlers>;
  private readonly logger: Logger;
  private readonly meterValues: MeterValuesUseCase;
  private readonly boot: BootNotificationUseCase;
  private readonly status: StatusNotificationUseCase;
  private readonly groupCommit: GroupCommit<StationCallEnvelope, InboundCallOutcome>;
  private readonly committed: CommittedListener;

  constructor(
    private readonly dataSource: SessionsDataSource,
    options: SessionsOptions = {},
  ) {
    const resolved = resolveOptions(options);
    this.groupCommit = new GroupCommit((envelopes) => this.writeBatch(envelopes), undefined, resolved.writeConcurrency);
    const logger = (this.logger = resolved.logger);
    this.committed = sessionLifecycleLogger(logger);
    const boot = (this.boot = new BootNotificationUseCase(resolved));
    const status = (this.status = new StatusNotificationUseCase());
    const authorize = new AuthorizeUseCase();
    const start = new StartTransactionUseCase();
    const stop = new StopTransactionUseCase(logger);
    const meterValues = (this.meterValues = new MeterValuesUseCase(logger));
    const transactionEvent = new TransactionEventUseCase();
    const reservationStatus = new ReservationStatusUpdateUseCase(logger);
    const dataTransfer = new DataTransferUseCase(logger);

    const empty = async (): Promise<Response> => ({});
    // An Authorize the gateway answered itself during an outage: recorded, nobody waits for it.
    const recordEdgeAuthorization = new RecordEdgeAuthorizationUseCase(logger);
    const recordEdge = (envelope: StationCallEnvelope, command: AuthorizeCommand, decision: NonNullable<StationCallEnvelope['edgeDecision']>): Work => {
      const record = { ...command, connectionId: envelope.connectionId, messageId: envelope.messageId, decision };
      return async (uow) => recordEdgeAuthorization.execute(uow, record).then(empty);
    };
    this.handlers = new Map<string, ActionHandlers>([
      [
        'BootNotification',
        {
          'ocpp1.6': (envelope) => {
            const command = ocpp16Provisioning.bootNotification(envelope);
            const respond = (result: BootNotificationResult): Response => asResponse(ocpp16Provisioning.bootNotificationResponse(result));
            return withBulk(async (uow) => respond(await boot.execute(uow, command)), { kind: 'BootNotification', command, respond });
          },
          'ocpp2.0.1': (envelope) => {
            const command = ocpp201Provisioning.bootNotification(envelope);
            const respond = (result: BootNotificationResult): Response => asResponse(ocpp201Provisioning.bootNotificationResponse(result));
            return withBulk(async (uow) => respond(await boot.execute(uow, command)), { kind: 'BootNotification', command, respond });
          },
        },
      ],
      [
        'StatusNotification',
        {
          'ocpp1.6': (envelope) => {
            const command = ocpp16Availability.statusNotification(envelope);
            return withBulk(async (uow) => status.execute(uow, command).then(empty), { kind: 'StatusNotification', command });
          },
          'ocpp2.0.1': (envelope) => {
            const command = ocpp201Availability.statusNotification(envelope);
            return withBulk(async (uow) => status.execute(uow, command).then(empty), { kind: 'StatusNotification', command });
          },
        },
      ],
      [
        'Authorize',
        {
          'ocpp1.6': (envelope) => {
            const command = ocpp16Authorization.authorize(envelope);
            if (envelope.edgeDecision) return recordEdge(envelope, command, envelope.edgeDecision);
            return async (uow) => asResponse(ocpp16Authorization.authorizeResponse(await authorize.execute(uow, command)));
          },
          'ocpp2.0.1': (envelope) => {
            const command = ocpp201Authorization.authorize(envelope);
            if (envelope.edgeDecision) return recordEdge(envelope, command, envelope.edgeDecision);
            return async (uow) => asResponse(ocpp201Authorization.authorizeResponse(await authorize.execute(uow, command)));
          },
        },
      ],
      [
        'StartTransaction',
        {
          'ocpp1.6': (envelope) => {
            const command = ocpp16Transactions.startTransaction(envelope);
            return async (uow) => asResponse(ocpp16Transactions.startTransactionResponse(await start.execute(uow, command)));
          },
        },
      ],
      [
        'StopTransaction',
        {
          'ocpp1.6': (envelope) => {
            const command = ocpp16Transactions.stopTransaction(envelope, logger);
            return async (uow) => asResponse(ocpp16Transactions.stopTransactionResponse(await stop.execute(uow, command)));
          },
        },
      ],
      [
        'MeterValues',
        {
          'ocpp1.6': (envelope) => {
            const command = ocpp16Transactions.meterValues(envelope, logger);
            return withBulk(async (uow) => meterValues.execute(uow, command).then(empty), { kind: 'MeterValues', command });
          },
          'ocpp2.0.1': (envelope) => {
            const command = ocpp201Transactions.meterValues(envelope, logger);
            return withBulk(async (uow) => meterValues.execute(uow, command).then(empty), { kind: 'MeterValues', command });
          },
        },
      ],
      [
        'TransactionEvent',
        {
          'ocpp2.0.1': (envelope) => {
            const command = ocpp201Transactions.transactionEvent(envelope, logger);
            return async (uow) => asResponse(ocpp201Transactions.transactionEventResponse(await transactionEvent.execute(uow, command)));
          },
        },
      ],
      [
        'ReservationStatusUpdate',
        {
          'ocpp2.0.1': (envelope) => {
            const command = ocpp201Reservation.reservationStatusUpdate(envelope);
            return async (uow) => reservationStatus.execute(uow, command).then(empty);
          },
        },
      ],
      [
        'DataTransfer',
        {
          'ocpp1.6': (envelope) => {
            const command = dataTransferCommand(envelope);
            return async () => ({ status: dataTransfer.execute(command) });
          },
          'ocpp2.0.1': (envelope) => {
            const command = dataTransferCommand(envelope);
            return async () => ({ status: dataTransfer.execute(command) });
          },
        },
      ],
      ...stationEventHandlers(),
    ]);
  }

  /** The actions this service owns (both versions). */
  get actions(): readonly string[] {
    return [...this.handlers.keys()];
  }

  /** One processor per action, for StationCallConsumer. */
  processors(): ReadonlyMap<string, StationCallProcessor> {
    const processor: StationCallProcessor = (envelope) => this.process(envelope);
    return new Map(this.actions.map((action) => [action, processor]));
  }

  /**
   * One message in its own transaction. Database failures throw (the bus redelivers), except a
   * value the database refuses to store: that one is answered, never redelivered.
   */
  async process(envelope: StationCallEnvelope): Promise<InboundCallOutcome> {
    const decoded = this.decode(envelope);
    if ('error' in decoded) return decoded;
    try {
      return { result: await inTransaction(this.dataSource, decoded.work, this.committed) };
    } catch (error) {
      if (!isInvalidInputDatabaseError(error)) throw error;
      const sqlState = (error as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (error as { code?: unknown }).code;
      this.logger.warn('station message holds a value the database refuses', { stationId: envelope.stationId, action: envelope.action, sqlState });
      return { error: { kind: 'PropertyConstraintViolation', description: 'a value of this message cannot be stored' } };
    }
  }

  /**
   * One partition's batch, in order. Batches of other partitions handed in while a transaction
   * is being written are written together in the next one (group commit).
   */
  processBatch(envelopes: readonly StationCallEnvelope[]): Promise<InboundCallOutcome[]> {
    return this.groupCommit.submit(envelopes);
  }

  /**
   * Several messages (one or more partitions' batches, each in order) in one transaction: one
   * commit instead of many, and the messages planned into waves (planWaves: only each station's
   * own messages keep their order) so that each wave writes its boots, its statuses and its meter
   * values set-based, a few statements for all of them. A run of one station's MeterValues is
   * counted together (energy does not depend on the order of readings). Outcomes are in the same
   * order as the envelopes. If anything fails the transaction is rolled back and the messages are
   * processed one by one, so one bad message costs only its own outcome.
   */
  private async writeBatch(envelopes: readonly StationCallEnvelope[]): Promise<InboundCallOutcome[]> {
    const decoded = envelopes.map((envelope) => this.decode(envelope));
    const outcomes: Array<InboundCallOutcome | undefined> = decoded.map((item) => ('error' in item ? item : undefined));
    const works: Array<{ stationId: string; kind: BatchKind; work: Work; position: number }> = [];
    for (const [position, item] of decoded.entries()) {
      if ('work' in item) works.push({ stationId: envelopes[position]!.stationId, kind: item.work.bulk?.kind ?? 'one-by-one', work: item.work, position });
    }
    // Station events read nothing and nothing reads them: one INSERT for all, outside the waves.
    const events = works.filter((work) => work.kind === 'StationEvent');
    const planned = works.filter((work) => work.kind !== 'StationEvent');
    const plan = planWaves(planned, REPEATABLE_IN_A_WAVE);
    try {
      return await inTransaction(this.dataSource, async (uow) => {
        const written = [...outcomes];
        const eventResults = await this.writeGroup(uow, 'StationEvent', events.map((event) => event.work));
        for (const [i, event] of events.entries()) written[event.position] = { result: eventResults[i]! };
        for (const wave of plan) {
          for (const group of wave) {
            const results = await this.writeGroup(uow, group.kind, group.indexes.map((index) => planned[index]!.work));
            for (const [i, index] of group.indexes.entries()) written[planned[index]!.position] = { result: results[i]! };
          }
        }
        return written.map((outcome) => outcome!);
      }, this.committed);
    } catch (error) {
      this.logger.warn('batch failed; processing its messages one by one', { messages: envelopes.length, error });
      const oneByOne: InboundCallOutcome[] = [];
      for (const envelope of envelopes) oneByOne.push(await this.process(envelope));
      return oneByOne;
    }
  }

  /** One kind of work of one wave: set-based where it can be, else one message after the other. */
  private async writeGroup(uow: UnitOfWork, kind: BatchKind, works: readonly Work[]): Promise<Response[]> {
    // Every work of a group has the group's kind (planWaves groups by kind).
    const commands = <K extends Bulk['kind']>(_kind: K): Array<Extract<Bulk, { kind: K }>> => works.map((work) => work.bulk as Extract<Bulk, { kind: K }>);
    switch (kind) {
      case 'MeterValues':
        await this.meterValues.executeMany(uow, commands('MeterValues').map((bulk) => bulk.command));
        return works.map(() => ({}));
      case 'StatusNotification':
        await this.status.executeMany(uow, commands('StatusNotification').map((bulk) => bulk.command));
        return works.map(() => ({}));
      case 'BootNotification': {
        const boots = commands('BootNotification');
        const results = await this.boot.executeMany(uow, boots.map((bulk) => bulk.command));
        return boots.map((bulk, i) => bulk.respond(results[i]!));
      }
      case 'StationEvent': {
        const events = commands('StationEvent');
        await appendStationEvents(uow.sql, events.map((bulk) => bulk.envelope));
        return events.map((bulk) => ({ ...bulk.response }));
      }
      case 'one-by-one': {
        const responses: Response[] = [];
        for (const work of works) responses.push(await work(uow));
        return responses;
      }
    }
  }

  private decode(envelope: StationCallEnvelope): { work: Work } | Extract<InboundCallOutcome, { error: unknown }> {
    const decode = this.handlers.get(envelope.action)?.[envelope.protocol];
    if (!decode) {
      return { error: { kind: 'NotSupported', description: `${envelope.action} (${envelope.protocol}) is not handled by the sessions service` } };
    }
    try {
      return { work: decode(envelope) };
    } catch (error) {
      if (!(error instanceof InvalidPayloadError)) throw error;
      this.logger.warn('station message refused', { stationId: envelope.stationId, action: envelope.action, kind: error.kind, reason: error.message });
      return { error: { kind: error.kind, description: error.message } };
    }
  }
}

/** Station messages no service owns yet: appended to the station event log, then answered. */
function stationEventHandlers(): Array<[string, ActionHandlers]> {
  const byAction = new Map<string, Partial<Record<OcppVersion, Decode>>>();
  for (const [protocol, actions] of Object.entries(STATION_EVENT_ACTIONS) as Array<[OcppVersion, ReadonlyMap<string, Response>]>) {
    for (const [action, response] of actions) {
      const decode: Decode = (envelope) =>
        withBulk(async (uow) => {
          await appendStationEvents(uow.sql, [envelope]);
          return { ...response };
        }, { kind: 'StationEvent', envelope, response });
      byAction.set(action, { ...byAction.get(action), [protocol]: decode });
    }
  }
  return [...byAction];
}

/** The processors keyed by action name, both versions in one map: the envelope says the protocol. */
export function createSessionsProcessors(dataSource: SessionsDataSource, options: SessionsOptions = {}): ReadonlyMap<string, StationCallProcessor> {
  return new SessionsProcessors(dataSource, options).processors();
}

export type StationPresenceProcessor = (envelope: StationPresenceEnvelope) => Promise<void>;

export type StationPresenceBatchProcessor = (envelopes: readonly StationPresenceEnvelope[]) => Promise<void>;

/** For TOPICS.stationPresence: online / offline / activity, each in its own transaction. */
export function createPresenceProcessor(dataSource: SessionsDataSource, options: { readonly logger?: Logger } = {}): StationPresenceProcessor {
  const processBatch = createPresenceBatchProcessor(dataSource, options);
  return (envelope) => processBatch([envelope]);
}

/** The same for a whole batch in one transaction and a few statements (a reconnect storm). */
export function createPresenceBatchProcessor(dataSource: SessionsDataSource, options: { readonly logger?: Logger } = {}): StationPresenceBatchProcessor {
  const useCase = new StationPresenceUseCase(options.logger ?? silentLogger);
  return (envelopes) => inTransaction(dataSource, (uow) => useCase.executeMany(uow, envelopes));
}
