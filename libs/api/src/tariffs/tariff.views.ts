import type { TariffAssignmentEntity, TariffEntity } from '@evcsms/data-access';

/** A tariff version as the API shows it: the OCPI Tariff object, with our `version` and OCPI `last_updated`. */
export function tariffView(row: TariffEntity): Record<string, unknown> {
  return { ...row.document, id: row.id, version: row.version, last_updated: row.createdAt.toISOString() };
}

export interface TariffVersionSummary {
  readonly version: number;
  readonly start_date_time: string | null;
  readonly end_date_time: string | null;
  readonly last_updated: string;
}

export function versionSummary(row: TariffEntity): TariffVersionSummary {
  return {
    version: row.version,
    start_date_time: row.validFrom?.toISOString() ?? null,
    end_date_time: row.validUntil?.toISOString() ?? null,
    last_updated: row.createdAt.toISOString(),
  };
}

export interface TariffAssignmentView {
  readonly id: string;
  readonly scope: string;
  readonly stationId: string | null;
  readonly evseId: number | null;
  readonly connectorId: number | null;
  readonly siteId: string | null;
  readonly tokenGroup: string | null;
  readonly tariffId: string;
  readonly effectiveFrom: string | null;
  readonly effectiveUntil: string | null;
  readonly createdAt: string;
}

export function assignmentView(row: TariffAssignmentEntity): TariffAssignmentView {
  return {
    id: row.id,
    scope: row.scope,
    stationId: row.stationId,
    evseId: row.evseId,
    connectorId: row.connectorId,
    siteId: row.siteId,
    tokenGroup: row.tokenGroup,
    tariffId: row.tariffId,
    effectiveFrom: row.validFrom?.toISOString() ?? null,
    effectiveUntil: row.validUntil?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
