import type { StationCallEnvelope, StationPresenceEnvelope } from '@evcsms/contracts';
import { openDatabase } from '@evcsms/data-access';
import type { InboundCallOutcome } from '@evcsms/gateway';
import type { LogFields, Logger } from '@evcsms/logging';
import {
  type SessionsDataSource,
  createPresenceProcessor,
  createSessionsProcessors,
  SessionsProcessors,
  type SessionsOptions,
  type StationPresenceProcessor,
} from '../src';

type DataSource = Awaited<ReturnType<typeof openDatabase>>;

export interface LogEntry {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields;
}

/** A logger that keeps what it is told, for stories that check what was logged. */
export function recordingLogger(entries: LogEntry[] = []): Logger & { entries: LogEntry[] } {
  const make = (bound: LogFields): Logger & { entries: LogEntry[] } => ({
    entries,
    debug: (message, fields) => void entries.push({ level: 'debug', message, fields: { ...bound, ...fields } }),
    info: (message, fields) => void entries.push({ level: 'info', message, fields: { ...bound, ...fields } }),
    warn: (message, fields) => void entries.push({ level: 'warn', message, fields: { ...bound, ...fields } }),
    error: (message, fields) => void entries.push({ level: 'error', message, fields: { ...bound, ...fields } }),
    child: (fields) => make({ ...bound, ...fields }),
  });
  return make({});
}

/**
 * The same database, but statements matching `pattern` wait `delayMs` before they run: a consumer
 * that is slow at exactly the wrong moment, to make a race deterministic.
 */
export function slowedAt(db: SessionsDataSource, pattern: RegExp, delayMs: number): SessionsDataSource {
  return {
    createQueryRunner: () => {
      const runner = db.createQueryRunner();
      const query = runner.query.bind(runner);
      return Object.assign(runner, {
        query: async (sql: string, parameters: unknown[] | undefined, structured: true) => {
          if (pattern.test(sql)) await new Promise((resolve) => setTimeout(resolve, delayMs));
          return query(sql, parameters, structured);
        },
      });
    },
  };
}

/** The same database, recording the text of every statement run through it (transaction control included). */
export function countingStatements(db: SessionsDataSource): { readonly dataSource: SessionsDataSource; readonly statements: string[] } {
  const statements: string[] = [];
  const dataSource: SessionsDataSource = {
    createQueryRunner: () => {
      const runner = db.createQueryRunner();
      const query = runner.query.bind(runner);
      const wrap = <A extends unknown[]>(name: string, call: (...args: A) => Promise<void>) => (...args: A) => {
        statements.push(name);
        return call(...args);
      };
      return Object.assign(runner, {
        startTransaction: wrap('BEGIN', runner.startTransaction.bind(runner)),
        commitTransaction: wrap('COMMIT', runner.commitTransaction.bind(runner)),
        query: async (sql: string, parameters: unknown[] | undefined, structured: true) => {
          statements.push(sql);
          return query(sql, parameters, structured);
        },
      });
    },
  };
  return { dataSource, statements };
}

export interface SessionRow {
  id: string;
  station_id: string;
  evse_id: number;
  connector_id: number;
  protocol: string;
  ocpp_transaction_id: string;
  id_token: string | null;
  id_token_type: string | null;
  status: string;
  started_at: Date;
  ended_at: Date | null;
  meter_start_wh: string | null;
  meter_stop_wh: string | null;
  energy_wh: string;
  stop_reason: string | null;
  flags: string[];
  last_seq_no: number | null;
  reservation_id: number | null;
  remote_start_id: number | null;
  auth_status: string | null;
  trigger_reason: string | null;
  charging_state: string | null;
  start_key: string | null;
  register_last_wh: string | null;
  register_last_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * The sessions service as the bus would drive it, over a real database: processors from the
 * public API, plus ways to look at the rows. With `redeliver` on, every message is processed
 * twice and the second time must answer the same and change no row at all.
 */
export class SessionsHarness {
  readonly logger = recordingLogger();
  readonly processors: ReadonlyMap<string, (envelope: StationCallEnvelope) => Promise<InboundCallOutcome>>;
  readonly service: SessionsProcessors;
  readonly presence: StationPresenceProcessor;
  redeliver = false;

  constructor(
    readonly db: DataSource,
    options: SessionsOptions = {},
  ) {
    const withLogger = { unknownStationBootPolicy: 'Accepted' as const, logger: this.logger, ...options };
    this.processors = createSessionsProcessors(db, withLogger);
    this.service = new SessionsProcessors(db, withLogger);
    this.presence = createPresenceProcessor(db, { logger: this.logger });
  }

  static async open(url: string, options: SessionsOptions = {}, poolMax?: number): Promise<SessionsHarness> {
    return new SessionsHarness(await openDatabase({ url, ...(poolMax ? { poolMax } : {}) }), options);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** Delivers a station CALL as the consumer would; returns the outcome. */
  async deliver(envelope: StationCallEnvelope): Promise<InboundCallOutcome> {
    const processor = this.processors.get(envelope.action);
    if (!processor) throw new Error(`no processor for ${envelope.action}`);
    const outcome = await processor(envelope);
    if (this.redeliver) {
      const before = await this.snapshot(envelope.stationId);
      const again = await processor(envelope);
      expect({ action: envelope.action, outcome: again }).toEqual({ action: envelope.action, outcome });
      expect(await this.snapshot(envelope.stationId)).toEqual(before);
    }
    return outcome;
  }

  /** Delivers and returns the response payload (fails on a CALLERROR). */
  async send<T = Record<string, unknown>>(envelope: StationCallEnvelope): Promise<T> {
    const outcome = await this.deliver(envelope);
    if ('error' in outcome) throw new Error(`${envelope.action} answered with an error: ${JSON.stringify(outcome.error)}`);
    return outcome.result as T;
  }

  async presenceEvent(envelope: StationPresenceEnvelope): Promise<void> {
    await this.presence(envelope);
    if (this.redeliver) {
      const before = await this.snapshot(envelope.stationId);
      await this.presence(envelope);
      expect(await this.snapshot(envelope.stationId)).toEqual(before);
    }
  }

  /** Every row the sessions domain keeps about a station, in a stable order. */
  async snapshot(stationId: string): Promise<Record<string, unknown[]>> {
    const q = (sql: string): Promise<unknown[]> => this.db.query(sql, [stationId]);
    return {
      stations: await q(`SELECT * FROM stations WHERE id = $1`),
      connectors: await q(`SELECT * FROM connectors WHERE station_id = $1 ORDER BY evse_id, connector_id`),
      statusEvents: await q(`SELECT * FROM connector_status_events WHERE station_id = $1 ORDER BY id`),
      transactions: await q(`SELECT * FROM transactions WHERE station_id = $1 ORDER BY started_at, id`),
      meterValues: await q(`SELECT * FROM meter_values WHERE station_id = $1 ORDER BY id`),
      reservations: await q(`SELECT * FROM reservations WHERE station_id = $1 ORDER BY id`),
      outbox: await q(`SELECT * FROM domain_event_outbox WHERE key = $1 ORDER BY id`),
    };
  }

  async session(stationId: string, transactionId: string | number): Promise<SessionRow> {
    const rows: SessionRow[] = await this.db.query(`SELECT * FROM transactions WHERE station_id = $1 AND ocpp_transaction_id = $2`, [
      stationId,
      String(transactionId),
    ]);
    if (rows.length !== 1) throw new Error(`expected one session ${stationId}/${transactionId}, found ${rows.length}`);
    return rows[0]!;
  }

  async sessions(stationId: string): Promise<SessionRow[]> {
    return this.db.query(`SELECT * FROM transactions WHERE station_id = $1 ORDER BY started_at, id`, [stationId]);
  }

  async station(stationId: string): Promise<Record<string, unknown> | undefined> {
    const rows: Array<Record<string, unknown>> = await this.db.query(`SELECT * FROM stations WHERE id = $1`, [stationId]);
    return rows[0];
  }

  /** The events written for a station, as (type, energyWh?, flags?) for readable assertions. */
  async events(stationId: string): Promise<Array<Record<string, unknown>>> {
    const rows: Array<{ topic: string; payload: Record<string, unknown> }> = await this.db.query(
      `SELECT topic, payload FROM domain_event_outbox WHERE key = $1 ORDER BY id`,
      [stationId],
    );
    return rows.map(({ payload }) => payload);
  }

  async count(table: string, stationId: string): Promise<number> {
    const column = table === 'stations' ? 'id' : table === 'domain_event_outbox' ? 'key' : 'station_id';
    const rows: Array<{ n: number }> = await this.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [stationId]);
    return rows[0]!.n;
  }

  async addToken(token: { idToken: string; type?: string; status?: string; expiresAt?: string; groupIdToken?: string }): Promise<void> {
    await this.db.query(`INSERT INTO id_tokens (id_token, type, status, expires_at, group_id_token) VALUES ($1, $2, $3, $4, $5)`, [
      token.idToken,
      token.type ?? 'ISO14443',
      token.status ?? 'Accepted',
      token.expiresAt ?? null,
      token.groupIdToken ?? null,
    ]);
  }

  async addStation(id: string, bootPolicy: 'Accepted' | 'Pending' | 'Rejected' = 'Accepted', heartbeatIntervalSec: number | null = null): Promise<void> {
    await this.db.query(`INSERT INTO stations (id, boot_policy, heartbeat_interval_sec) VALUES ($1, $2, $3)`, [id, bootPolicy, heartbeatIntervalSec]);
  }

  async addReservation(id: number, stationId: string, idToken: string, status = 'Accepted'): Promise<void> {
    await this.db.query(`INSERT INTO reservations (id, station_id, evse_id, connector_id, id_token, expires_at, status) VALUES ($1, $2, 1, 1, $3, $4, $5)`, [
      id,
      stationId,
      idToken,
      '2030-01-01T00:00:00Z',
      status,
    ]);
  }

  async reservationStatus(id: number): Promise<string> {
    const rows: Array<{ status: string }> = await this.db.query(`SELECT status FROM reservations WHERE id = $1`, [id]);
    return rows[0]!.status;
  }
}
