import { parseTariff, resolveTariff, type AssignmentScope, type Tariff, type TariffAssignment } from '@evcsms/billing';
import type { TariffAssignmentRow } from '@evcsms/data-access';

/** A stored assignment as the domain's TariffAssignment; null when its row is incomplete for its scope. */
export function assignmentOf(row: TariffAssignmentRow): TariffAssignment | null {
  const scope = scopeOf(row);
  if (!scope) return null;
  return {
    tariffId: row.tariff_id,
    scope,
    validFrom: row.valid_from ? new Date(row.valid_from).getTime() : null,
    validUntil: row.valid_until ? new Date(row.valid_until).getTime() : null,
  };
}

function scopeOf(row: TariffAssignmentRow): AssignmentScope | null {
  switch (row.scope) {
    case 'token-group':
      if (row.token_group === null) return null;
      return row.site_id === null ? { kind: 'token-group', tokenGroup: row.token_group } : { kind: 'token-group', tokenGroup: row.token_group, siteId: row.site_id };
    case 'connector':
      return row.station_id !== null && row.evse_id !== null && row.connector_id !== null
        ? { kind: 'connector', stationId: row.station_id, evseId: row.evse_id, connectorId: row.connector_id }
        : null;
    case 'evse':
      return row.station_id !== null && row.evse_id !== null ? { kind: 'evse', stationId: row.station_id, evseId: row.evse_id } : null;
    case 'station':
      return row.station_id !== null ? { kind: 'station', stationId: row.station_id } : null;
    case 'site':
      return row.site_id !== null ? { kind: 'site', siteId: row.site_id } : null;
    case 'default':
      return { kind: 'default' };
  }
}

export interface SessionContext {
  readonly stationId: string;
  readonly evseId: number;
  readonly connectorId: number;
  readonly tokenGroup: string | null;
  /** The station's site: site and token-group-at-site assignments apply through it. */
  readonly siteId: string | null;
  readonly startedAt: Date;
}

/** The tariff id for a session, by the domain's precedence; null when nothing is assigned. */
export function tariffIdFor(rows: readonly TariffAssignmentRow[], context: SessionContext): string | null {
  const assignments = rows.map(assignmentOf).filter((a): a is TariffAssignment => a !== null);
  const resolution = resolveTariff(
    assignments,
    { stationId: context.stationId, evseId: context.evseId, connectorId: context.connectorId, tokenGroup: context.tokenGroup, siteId: context.siteId },
    context.startedAt.getTime(),
  );
  return resolution?.tariffId ?? null;
}

/** The snapshot of versions kept with a session, back into domain tariffs (they were valid when stored). */
export function tariffsOf(documents: readonly Record<string, unknown>[]): Tariff[] {
  return documents.map((document) => parseTariff(document));
}
