import type { TariffAssignmentEntity, TariffEntity } from '@evcsms/data-access';
import { component, dateTime, integer, nullable, pageOf, string, view } from '../openapi/schema-components';
import { TARIFF_SCHEMA } from './tariff-documents';

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

const TARIFF_PROPERTIES = { ...TARIFF_SCHEMA.properties, version: integer, last_updated: dateTime };
const TARIFF_REQUIRED = [...TARIFF_SCHEMA.required, 'id', 'version', 'last_updated'];

/** A tariff version: the OCPI Tariff object (open: OCPI fields pass through) with version and last_updated. */
export const TARIFF = component('Tariff', { ...TARIFF_SCHEMA, properties: TARIFF_PROPERTIES, required: TARIFF_REQUIRED });
export const TARIFF_PAGE = pageOf('Tariff', TARIFF);
export const TARIFF_DETAIL = component('TariffDetail', {
  ...TARIFF_SCHEMA,
  description: 'The latest version of a tariff, with the list of all its versions.',
  properties: {
    ...TARIFF_PROPERTIES,
    versions: { type: 'array', items: view({ version: integer, start_date_time: nullable(dateTime), end_date_time: nullable(dateTime), last_updated: dateTime }) },
  },
  required: [...TARIFF_REQUIRED, 'versions'],
});

const SCOPE = { type: 'string', enum: ['token-group', 'connector', 'evse', 'station', 'site', 'default'] };
export const TARIFF_ASSIGNMENT = component(
  'TariffAssignment',
  view({
    id: string,
    scope: SCOPE,
    stationId: nullable(string),
    evseId: nullable(integer),
    connectorId: nullable(integer),
    siteId: nullable(string),
    tokenGroup: nullable(string),
    tariffId: string,
    effectiveFrom: nullable(dateTime),
    effectiveUntil: nullable(dateTime),
    createdAt: dateTime,
  }),
);
export const STATION_TARIFF = component(
  'StationTariff',
  view({ id: string, scope: SCOPE, stationId: string, tariffId: string, effectiveFrom: nullable(dateTime), effectiveUntil: nullable(dateTime) }),
);
