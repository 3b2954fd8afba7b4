import { ENERGY_REGISTER, type MeterSample } from '../domain/meter-sample';
import type { Sql } from '../infrastructure/unit-of-work';

export interface StoredSample {
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
    if (samples.length === 0) return [];
    const rows = await this.sql.rows<{ sampled_at: Date; measurand: string; phase: string; location: string; unit: string; value: string }>(
      `INSERT INTO meter_values (transaction_id, station_id, evse_id, sampled_at, measurand, phase, location, context, unit, value)
       SELECT $1::uuid, $2::text, $3::integer, s.* FROM unnest($4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::numeric[])
         AS s (sampled_at, measurand, phase, location, context, unit, value)
       ON CONFLICT (station_id, evse_id, sampled_at, measurand, phase, location, context) DO NOTHING
       RETURNING sampled_at, measurand, phase, location, unit, value::text AS value`,
      [
        transactionId,
        stationId,
        evseId,
        samples.map((s) => s.sampledAt),
        samples.map((s) => s.measurand),
        samples.map((s) => s.phase),
        samples.map((s) => s.location),
        samples.map((s) => s.context),
        samples.map((s) => s.unit),
        samples.map((s) => s.value),
      ],
    );
    return rows.map((row) => ({
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
