import { ENERGY_REGISTER, type MeterSample } from '../domain/meter-sample';
import type { Sql } from '../infrastructure/unit-of-work';

export interface SampleRow {
  readonly stationId: string;
  readonly evseId: number;
  readonly transactionId: string | null;
  readonly sample: MeterSample;
}

export interface StoredSample {
  readonly transactionId: string | null;
  readonly sampledAt: Date;
  readonly measurand: string;
  readonly phase: string;
  readonly location: string;
  readonly unit: string;
  readonly value: string;
}

/** meter_values: the hot path. One statement per message, whatever its number of samples. */
export class MeterValueRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Stores the samples in one multi-row INSERT ... ON CONFLICT DO NOTHING on uq_meter_values_sample;
   * returns the ones that were new (a redelivered message returns none).
   */
  async insert(stationId: string, evseId: number, transactionId: string | null, samples: readonly MeterSample[]): Promise<StoredSample[]> {
    return this.insertMany(samples.map((sample) => ({ stationId, evseId, transactionId, sample })));
  }

  /** The samples of many messages (a batch), still one statement. */
  async insertMany(rows: readonly SampleRow[]): Promise<StoredSample[]> {
    if (rows.length === 0) return [];
    const stored = await this.sql.rows<{ transaction_id: string | null; sampled_at: Date; measurand: string; phase: string; location: string; unit: string; value: string }>(
      `INSERT INTO meter_values (transaction_id, station_id, evse_id, sampled_at, measurand, phase, location, context, unit, value)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::numeric[])
       ON CONFLICT (station_id, evse_id, sampled_at, measurand, phase, location, context) DO NOTHING
       RETURNING transaction_id, sampled_at, measurand, phase, location, unit, value::text AS value`,
      [
        rows.map((r) => r.transactionId),
        rows.map((r) => r.stationId),
        rows.map((r) => r.evseId),
        rows.map((r) => r.sample.sampledAt),
        rows.map((r) => r.sample.measurand),
        rows.map((r) => r.sample.phase),
        rows.map((r) => r.sample.location),
        rows.map((r) => r.sample.context),
        rows.map((r) => r.sample.unit),
        rows.map((r) => r.sample.value),
      ],
    );
    return stored.map((row) => ({
      transactionId: row.transaction_id,
      sampledAt: row.sampled_at,
      measurand: row.measurand,
      phase: row.phase,
      location: row.location,
      unit: row.unit,
      value: row.value,
    }));
  }

  /** Every energy register reading of a session, the highest per instant (for a full recount). */
  async registerReadings(transactionId: string): Promise<Array<{ sampledAt: Date; value: string }>> {
    const rows = await this.sql.rows<{ sampled_at: Date; value: string }>(
      `SELECT sampled_at, max(value)::text AS value FROM meter_values
        WHERE transaction_id = $1 AND measurand = $2 AND phase = '' AND location IN ('', 'Outlet') AND unit = 'Wh'
        GROUP BY sampled_at ORDER BY sampled_at`,
      [transactionId, ENERGY_REGISTER],
    );
    return rows.map((row) => ({ sampledAt: row.sampled_at, value: row.value }));
  }
}
