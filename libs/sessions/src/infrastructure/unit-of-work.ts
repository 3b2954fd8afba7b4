import { topicOf, withEventId, type DomainEvent, type NewDomainEvent } from '../domain/domain-events';
import type { SessionsDataSource, SqlSession } from './database.port';

/** Runs statements on the transaction's connection. */
export class Sql {
  constructor(private readonly session: SqlSession) {}

  async rows<T>(text: string, parameters: readonly unknown[] = []): Promise<T[]> {
    const result = await this.session.query(text, [...parameters], true);
    return (result.records ?? []) as T[];
  }

  async first<T>(text: string, parameters: readonly unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(text, parameters))[0];
  }

  /** Rows changed (INSERT / UPDATE / DELETE). */
  async execute(text: string, parameters: readonly unknown[] = []): Promise<number> {
    const result = await this.session.query(text, [...parameters], true);
    return result.affected ?? 0;
  }
}

/**
 * One database transaction: the statements of one station message (or of a batch of them) and
 * the domain events they produce, which go to the outbox in the same transaction.
 */
export class UnitOfWork {
  private readonly pending: DomainEvent[] = [];

  constructor(readonly sql: Sql) {}

  emit(...events: NewDomainEvent[]): void {
    for (const event of events) this.pending.push(withEventId(event));
  }

  /** Writes the events emitted so far to the outbox: one statement, whatever their number. */
  async flush(): Promise<DomainEvent[]> {
    if (this.pending.length === 0) return [];
    const events = this.pending.splice(0);
    await this.sql.execute(
      `INSERT INTO domain_event_outbox (topic, key, payload)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])`,
      [events.map(topicOf), events.map((event) => event.stationId), events.map((event) => JSON.stringify(event))],
    );
    return events;
  }
}

/** SQLSTATEs worth one more try: the transaction lost a race and nothing was written. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

/** The SQLSTATE of a driver error, also when TypeORM wraps it (QueryFailedError.driverError). */
function sqlState(error: unknown): string | undefined {
  const failure = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = failure?.code ?? failure?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Told the domain events of a transaction once it has committed (never for a rolled-back one). */
export type CommittedListener = (events: readonly DomainEvent[]) => void;

/** Runs `work` in one transaction, commits, and retries on serialization failures and deadlocks. */
export async function inTransaction<T>(dataSource: SessionsDataSource, work: (uow: UnitOfWork) => Promise<T>, onCommitted?: CommittedListener): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await once(dataSource, work, onCommitted);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(sqlState(error) ?? '')) throw error;
    }
  }
}

async function once<T>(dataSource: SessionsDataSource, work: (uow: UnitOfWork) => Promise<T>, onCommitted: CommittedListener | undefined): Promise<T> {
  const session = dataSource.createQueryRunner();
  await session.connect();
  try {
    await session.startTransaction();
    const uow = new UnitOfWork(new Sql(session));
    const result = await work(uow);
    const events = await uow.flush();
    await session.commitTransaction();
    onCommitted?.(events);
    return result;
  } catch (error) {
    if (session.isTransactionActive) await session.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await session.release();
  }
}
