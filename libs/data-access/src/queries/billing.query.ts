import type { DataSource } from 'typeorm';
import { CDR_COLUMNS, type CdrRow, type TariffAssignmentRow } from '../billing/billing.store';
import { TariffAssignmentEntity, type TariffAssignmentScope } from '../billing/tariff-assignment.entity';
import { TariffEntity } from '../billing/tariff.entity';

export type NewTariffVersion = Pick<TariffEntity, 'id' | 'version' | 'currency' | 'document' | 'validFrom' | 'validUntil'>;

/** Inserts one version; a taken (id, version) fails with a unique violation (isUniqueViolation). */
export async function insertTariffVersion(db: DataSource, version: NewTariffVersion): Promise<TariffEntity> {
  await db.query(`INSERT INTO tariffs (id, version, currency, document, valid_from, valid_until) VALUES ($1, $2, $3, $4::jsonb, $5, $6)`, [
    version.id,
    version.version,
    version.currency,
    JSON.stringify(version.document),
    version.validFrom,
    version.validUntil,
  ]);
  return db.getRepository(TariffEntity).findOneByOrFail({ id: version.id, version: version.version });
}

/** Every version of a tariff, oldest first (empty: no such tariff). */
export function tariffVersionsOf(db: DataSource, id: string): Promise<TariffEntity[]> {
  return db.getRepository(TariffEntity).find({ where: { id }, order: { version: 'ASC' } });
}

/** The latest version of each tariff, by id; keyset after `afterId`. */
export async function listLatestTariffs(db: DataSource, filter: { limit: number; afterId?: string }): Promise<TariffEntity[]> {
  const ids: Array<{ id: string; version: number }> = await db.query(
    `SELECT DISTINCT ON (id) id, version FROM tariffs WHERE ($1::text IS NULL OR id > $1) ORDER BY id, version DESC LIMIT $2`,
    [filter.afterId ?? null, filter.limit],
  );
  if (ids.length === 0) return [];
  const rows = await db.getRepository(TariffEntity).find({ where: ids.map(({ id, version }) => ({ id, version })) });
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export type NewTariffAssignment = Pick<
  TariffAssignmentEntity,
  'scope' | 'stationId' | 'evseId' | 'connectorId' | 'siteId' | 'tokenGroup' | 'tariffId' | 'validFrom' | 'validUntil'
>;

export interface AssignmentTarget {
  readonly scope: TariffAssignmentScope;
  readonly stationId: string | null;
  readonly evseId: number | null;
  readonly connectorId: number | null;
  readonly siteId: string | null;
  readonly tokenGroup: string | null;
}

/**
 * Assigns a tariff to a target from `effectiveFrom` on. Assignments of the same target still open
 * at that instant end there (so the newest wins from then on); one that would only start later
 * is withdrawn. Without `effectiveFrom`: from now, or from always when the target had none, so
 * the first tariff of a station also prices sessions replayed from before it was assigned.
 */
export async function assignTariff(db: DataSource, target: AssignmentTarget, tariffId: string, effectiveFrom: Date | null, effectiveUntil: Date | null = null): Promise<TariffAssignmentEntity> {
  return db.transaction(async (manager) => {
    const same = `scope = $1 AND station_id IS NOT DISTINCT FROM $2 AND evse_id IS NOT DISTINCT FROM $3 AND connector_id IS NOT DISTINCT FROM $4
      AND site_id IS NOT DISTINCT FROM $5 AND token_group IS NOT DISTINCT FROM $6`;
    const key = [target.scope, target.stationId, target.evseId, target.connectorId, target.siteId, target.tokenGroup];
    // One writer per target at a time: the advisory lock is on the target's text.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [JSON.stringify(key)]);
    const existing: Array<{ n: number }> = await manager.query(`SELECT count(*)::int AS n FROM tariff_assignments WHERE ${same}`, key);
    const from = effectiveFrom ?? ((existing[0]?.n ?? 0) > 0 ? new Date() : null);
    if (from !== null) {
      await manager.query(`DELETE FROM tariff_assignments WHERE ${same} AND valid_from >= $7`, [...key, from]);
      await manager.query(
        `UPDATE tariff_assignments SET valid_until = $7 WHERE ${same} AND (valid_from IS NULL OR valid_from < $7) AND (valid_until IS NULL OR valid_until > $7)`,
        [...key, from],
      );
    }
    const repository = manager.getRepository(TariffAssignmentEntity);
    const inserted = await repository.insert({ ...target, tariffId, validFrom: from, validUntil: effectiveUntil });
    return repository.findOneByOrFail({ id: inserted.identifiers[0]!['id'] as string });
  });
}

export interface TariffAssignmentFilter {
  readonly limit: number;
  readonly scope?: TariffAssignmentScope;
  readonly stationId?: string;
  readonly tariffId?: string;
  /** keyset: newest first */
  readonly after?: { readonly createdAt: string; readonly id: string };
}

export function listTariffAssignments(db: DataSource, filter: TariffAssignmentFilter): Promise<TariffAssignmentEntity[]> {
  const query = db.getRepository(TariffAssignmentEntity).createQueryBuilder('a').orderBy("date_trunc('milliseconds', a.created_at)", 'DESC').addOrderBy('a.id', 'DESC').limit(filter.limit);
  if (filter.scope !== undefined) query.andWhere('a.scope = :scope', { scope: filter.scope });
  if (filter.stationId !== undefined) query.andWhere('a.station_id = :stationId', { stationId: filter.stationId });
  if (filter.tariffId !== undefined) query.andWhere('a.tariff_id = :tariffId', { tariffId: filter.tariffId });
  // The cursor carries milliseconds; created_at has microseconds.
  if (filter.after) query.andWhere("(date_trunc('milliseconds', a.created_at), a.id) < (:afterCreated, :afterId)", { afterCreated: filter.after.createdAt, afterId: filter.after.id });
  return query.getMany();
}

/** The station-scope assignments of a station (current and scheduled), newest first. */
export async function stationTariffAssignments(db: DataSource, stationId: string): Promise<TariffAssignmentRow[]> {
  return db.query(
    `SELECT id, scope, station_id, evse_id, connector_id, site_id, token_group, tariff_id, valid_from, valid_until
       FROM tariff_assignments WHERE scope = 'station' AND station_id = $1 ORDER BY valid_from DESC NULLS LAST, created_at DESC`,
    [stationId],
  );
}

export interface CdrFilter {
  readonly limit: number;
  readonly sessionId?: string;
  readonly stationId?: string;
  /** issued at or after */
  readonly from?: Date;
  /** issued before */
  readonly to?: Date;
  /** keyset: newest first */
  readonly after?: { readonly issuedAt: string; readonly id: string };
}

export function listCdrs(db: DataSource, filter: CdrFilter): Promise<CdrRow[]> {
  const where: string[] = [];
  const parameters: unknown[] = [];
  const add = (clause: (n: string) => string, value: unknown): void => {
    parameters.push(value);
    where.push(clause(`$${parameters.length}`));
  };
  if (filter.sessionId !== undefined) add((p) => `session_id = ${p}`, filter.sessionId);
  if (filter.stationId !== undefined) add((p) => `station_id = ${p}`, filter.stationId);
  if (filter.from !== undefined) add((p) => `issued_at >= ${p}`, filter.from);
  if (filter.to !== undefined) add((p) => `issued_at < ${p}`, filter.to);
  if (filter.after) {
    parameters.push(filter.after.issuedAt, filter.after.id);
    where.push(`(issued_at, id) < ($${parameters.length - 1}::timestamptz, $${parameters.length}::uuid)`);
  }
  parameters.push(filter.limit);
  return db.query(
    `SELECT ${CDR_COLUMNS} FROM cdrs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY issued_at DESC, id DESC LIMIT $${parameters.length}`,
    parameters,
  );
}

export async function getCdr(db: DataSource, id: string): Promise<CdrRow | undefined> {
  const rows: CdrRow[] = await db.query(`SELECT ${CDR_COLUMNS} FROM cdrs WHERE id = $1`, [id]);
  return rows[0];
}

/** The records issued in [from, to), for a statement; at most `limit` (the caller refuses more). */
export function cdrsIssuedBetween(db: DataSource, from: Date, to: Date, limit: number): Promise<CdrRow[]> {
  return db.query(`SELECT ${CDR_COLUMNS} FROM cdrs WHERE issued_at >= $1 AND issued_at < $2 ORDER BY issued_at, id LIMIT $3`, [from, to, limit]);
}

export interface SessionBilling {
  readonly status: 'active' | 'completed' | 'unpriced';
  readonly tariffId: string | null;
  readonly currency: string | null;
  /** Minor units: the standing CDR's total when there is one, else the last live cost. */
  readonly exclVat: string | null;
  readonly inclVat: string | null;
  readonly costAt: Date | null;
  readonly cdrId: string | null;
}

/** What a session costs so far (live) or in the end (its standing CDR); undefined: billing has not seen it. */
export async function sessionBilling(db: DataSource, sessionId: string): Promise<SessionBilling | undefined> {
  const rows: Array<{
    status: SessionBilling['status'];
    tariff_id: string | null;
    currency: string | null;
    live_cost_excl_vat: string | null;
    live_cost_incl_vat: string | null;
    live_cost_at: Date | null;
    cdr_id: string | null;
    cdr_currency: string | null;
    cdr_excl: string | null;
    cdr_incl: string | null;
    cdr_issued_at: Date | null;
  }> = await db.query(
    `SELECT b.status, b.tariff_id, b.currency, b.live_cost_excl_vat, b.live_cost_incl_vat, b.live_cost_at, b.cdr_id,
            c.currency AS cdr_currency, c.total_cost_excl_vat AS cdr_excl, c.total_cost_incl_vat AS cdr_incl, c.issued_at AS cdr_issued_at
       FROM billing_sessions b LEFT JOIN cdrs c ON c.id = b.cdr_id WHERE b.session_id = $1`,
    [sessionId],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.cdr_id && row.cdr_excl !== null) {
    return { status: row.status, tariffId: row.tariff_id, currency: row.cdr_currency, exclVat: row.cdr_excl, inclVat: row.cdr_incl, costAt: row.cdr_issued_at, cdrId: row.cdr_id };
  }
  return {
    status: row.status,
    tariffId: row.tariff_id,
    currency: row.currency,
    exclVat: row.live_cost_excl_vat,
    inclVat: row.live_cost_incl_vat,
    costAt: row.live_cost_at,
    cdrId: null,
  };
}
