import type { StationCallEnvelope, StationPresenceEnvelope } from '@evcsms/contracts';
import type { InboundCallOutcome } from '@evcsms/gateway';
import { silentLogger, type Logger } from '@evcsms/logging';
import type { OcppVersion } from '@evcsms/ocpp';
import type { StationCallProcessor } from '@evcsms/routing';
import { ocpp16Authorization } from './authorization/authorization.ocpp16.mapper';
import { ocpp201Authorization } from './authorization/authorization.ocpp201.mapper';
import { AuthorizeUseCase } from './authorization/authorize.usecase';
import { ocpp16Availability } from './availability/availability.ocpp16.mapper';
import { ocpp201Availability } from './availability/availability.ocpp201.mapper';
import { StatusNotificationUseCase } from './availability/status-notification.usecase';
import { dataTransferCommand } from './data-transfer/data-transfer.mapper';
import { DataTransferUseCase } from './data-transfer/data-transfer.usecase';
import { InvalidPayloadError } from './domain/invalid-payload.error';
import type { SessionsDataSource } from './infrastructure/database.port';
import { GroupCommit } from './infrastructure/group-commit';
import { inTransaction, type UnitOfWork } from './infrastructure/unit-of-work';
import { BootNotificationUseCase } from './provisioning/boot-notification.usecase';
import { ocpp16Provisioning } from './provisioning/provisioning.ocpp16.mapper';
import { ocpp201Provisioning } from './provisioning/provisioning.ocpp201.mapper';
import { StationPresenceUseCase } from './provisioning/station-presence.usecase';
import { ocpp201Reservation } from './reservation/reservation.ocpp201.mapper';
import { ReservationStatusUpdateUseCase } from './reservation/reservation-status-update.usecase';
import { resolveOptions, type SessionsOptions } from './sessions.options';
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
 * ...then does the work in the message's unit of work and builds the response. MeterValues work
 * also exposes its command, so a batch can store a run of them together.
 */
type Work = ((uow: UnitOfWork) => Promise<Response>) & { readonly meterValues?: MeterValuesCommand };
type ActionHandlers = Readonly<Partial<Record<OcppVersion, Decode>>>;

const asResponse = <T extends object>(payload: T): Response => payload as unknown as Response;

/**
 * The sessions service's processors for station CALLs, both protocol versions, keyed by action.
 * Each message runs in one database transaction, domain events included (outbox), and is
 * idempotent: processed again, it changes nothing and gets the same answer.
 */
export class SessionsProcessors {
  private readonly handlers: ReadonlyMap<string, ActionHandlers>;
  private readonly logger: Logger;
  private readonly meterValues: MeterValuesUseCase;
  private readonly groupCommit = new GroupCommit<StationCallEnvelope, InboundCallOutcome>((envelopes) => this.writeBatch(envelopes));

  constructor(
    private readonly dataSource: SessionsDataSource,
    options: SessionsOptions = {},
  ) {
    const resolved = resolveOptions(options);
    const logger = (this.logger = resolved.logger);
    const boot = new BootNotificationUseCase(resolved);
    const status = new StatusNotificationUseCase();
    const authorize = new AuthorizeUseCase();
    const start = new StartTransactionUseCase();
    const stop = new StopTransactionUseCase(logger);
    const meterValues = (this.meterValues = new MeterValuesUseCase(logger));
    const transactionEvent = new TransactionEventUseCase();
    const reservationStatus = new ReservationStatusUpdateUseCase(logger);
    const dataTransfer = new DataTransferUseCase(logger);

    const empty = async (): Promise<Response> => ({});
    this.handlers = new Map<string, ActionHandlers>([
      [
        'BootNotification',
        {
          'ocpp1.6': (envelope) => {
            const command = ocpp16Provisioning.bootNotification(envelope);
            return async (uow) => asResponse(ocpp16Provisioning.bootNotificationResponse(await boot.execute(uow, command)));
          },
          'ocpp2.0.1': (envelope) => {
            const command = ocpp201Provisioning.bootNotification(envelope);
            return async (uow) => asResponse(ocpp201Provisioning.bootNotificationResponse(await boot.execute(uow, command)));
          },
        },
      ],
      [
        'StatusNotification',
        {
          'ocpp1.6': (envelope) => {
            const command = ocpp16Availability.statusNotification(envelope);
            return async (uow) => status.execute(uow, command).then(empty);
          },
          'ocpp2.0.1': (envelope) => {
            const command = ocpp201Availability.statusNotification(envelope);
            return async (uow) => status.execute(uow, command).then(empty);
          },
        },
      ],
      [
        'Authorize',
        {
          'ocpp1.6': (envelope) => {
            const command = ocpp16Authorization.authorize(envelope);
            return async (uow) => asResponse(ocpp16Authorization.authorizeResponse(await authorize.execute(uow, command)));
          },
          'ocpp2.0.1': (envelope) => {
            const command = ocpp201Authorization.authorize(envelope);
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
            return Object.assign(async (uow: UnitOfWork) => meterValues.execute(uow, command).then(empty), { meterValues: command });
          },
          'ocpp2.0.1': (envelope) => {
            const command = ocpp201Transactions.meterValues(envelope, logger);
            return Object.assign(async (uow: UnitOfWork) => meterValues.execute(uow, command).then(empty), { meterValues: command });
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

  /** One message in its own transaction. Database failures throw (the bus redelivers). */
  async process(envelope: StationCallEnvelope): Promise<InboundCallOutcome> {
    const decoded = this.decode(envelope);
    if ('error' in decoded) return decoded;
    const result = await inTransaction(this.dataSource, decoded.work);
    return { result };
  }

  /**
   * One partition's batch, in order. Batches of other partitions handed in while a transaction
   * is being written are written together in the next one (group commit).
   */
  processBatch(envelopes: readonly StationCallEnvelope[]): Promise<InboundCallOutcome[]> {
    return this.groupCommit.submit(envelopes);
  }

  /**
   * Several messages (one or more partitions' batches, each in order) in one transaction: one commit instead of
   * many, and each run of consecutive MeterValues stored together (one lock, one INSERT, one
   * UPDATE for the run; energy does not depend on the order of readings, and nothing else comes
   * between them). Outcomes are in the same order. If anything fails the transaction is rolled
   * back and the messages are processed one by one, so one bad message costs only its own outcome.
   */
  private async writeBatch(envelopes: readonly StationCallEnvelope[]): Promise<InboundCallOutcome[]> {
    const decoded = envelopes.map((envelope) => this.decode(envelope));
    try {
      return await inTransaction(this.dataSource, async (uow) => {
        const outcomes: InboundCallOutcome[] = [];
        let run: MeterValuesCommand[] = [];
        const flushRun = async (): Promise<void> => {
          if (run.length === 0) return;
          await this.meterValues.executeMany(uow, run);
          for (let i = 0; i < run.length; i += 1) outcomes.push({ result: {} });
          run = [];
        };
        for (const item of decoded) {
          if ('work' in item && item.work.meterValues) {
            run.push(item.work.meterValues);
            continue;
          }
          await flushRun();
          outcomes.push('error' in item ? item : { result: await item.work(uow) });
        }
        await flushRun();
        return outcomes;
      });
    } catch (error) {
      this.logger.warn('batch failed; processing its messages one by one', { messages: envelopes.length, error });
      const outcomes: InboundCallOutcome[] = [];
      for (const envelope of envelopes) outcomes.push(await this.process(envelope));
      return outcomes;
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

/** The processors keyed by action name, both versions in one map: the envelope says the protocol. */
export function createSessionsProcessors(dataSource: SessionsDataSource, options: SessionsOptions = {}): ReadonlyMap<string, StationCallProcessor> {
  return new SessionsProcessors(dataSource, options).processors();
}

export type StationPresenceProcessor = (envelope: StationPresenceEnvelope) => Promise<void>;

/** For TOPICS.stationPresence: online / offline / activity, each in its own transaction. */
export function createPresenceProcessor(dataSource: SessionsDataSource, options: { readonly logger?: Logger } = {}): StationPresenceProcessor {
  const useCase = new StationPresenceUseCase(options.logger ?? silentLogger);
  return (envelope) => inTransaction(dataSource, (uow) => useCase.execute(uow, envelope));
}
