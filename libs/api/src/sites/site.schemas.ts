import type { GridConnection, OpeningTimes, SiteAddress, SiteOperator } from '@evcsms/data-access';
import { component, dateTime, nullable, string, view } from '../openapi/schema-components';
import { SELECTOR_VALUE_PATTERN } from '../stations/station-selector.parser';

/** Site ids: OCPI Location ids are at most 36 characters. */
export const SITE_ID = { type: 'string', pattern: '^[A-Za-z0-9._~-]{1,36}$' } as const;
export const TAGS = { type: 'array', items: { type: 'string', pattern: SELECTOR_VALUE_PATTERN }, maxItems: 50, uniqueItems: true } as const;

const ADDRESS = {
  type: 'object',
  description: 'OCPI 2.2.1 Location address',
  properties: {
    street: { type: 'string', minLength: 1, maxLength: 45 },
    city: { type: 'string', minLength: 1, maxLength: 45 },
    postalCode: { type: 'string', minLength: 1, maxLength: 10 },
    state: { type: 'string', minLength: 1, maxLength: 20 },
    country: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 3166-1 alpha-3' },
  },
  required: ['street', 'city', 'country'],
  additionalProperties: false,
} as const;

const COORDINATES = {
  type: 'object',
  properties: { latitude: { type: 'number', minimum: -90, maximum: 90 }, longitude: { type: 'number', minimum: -180, maximum: 180 } },
  required: ['latitude', 'longitude'],
  additionalProperties: false,
} as const;

const GRID_CONNECTION = {
  type: 'object',
  description: 'What smart charging balances the site against',
  properties: {
    maxCurrentA: { type: 'number', exclusiveMinimum: 0 },
    maxPowerW: { type: 'number', exclusiveMinimum: 0 },
    phases: { type: 'integer', enum: [1, 3] },
    voltageV: { type: 'number', exclusiveMinimum: 0 },
  },
  required: ['phases'],
  additionalProperties: false,
} as const;

const HH_MM = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' } as const;
const OPENING_TIMES = {
  type: 'object',
  description: 'OCPI Hours: 24/7, or regular hours per ISO weekday (1 = Monday)',
  properties: {
    twentyfourSeven: { type: 'boolean' },
    regularHours: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        properties: { weekday: { type: 'integer', minimum: 1, maximum: 7 }, periodBegin: HH_MM, periodEnd: HH_MM },
        required: ['weekday', 'periodBegin', 'periodEnd'],
        additionalProperties: false,
      },
    },
  },
  required: ['twentyfourSeven'],
  additionalProperties: false,
} as const;

const OPERATOR = {
  type: 'object',
  description: 'OCPI BusinessDetails',
  properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, website: { type: 'string', format: 'uri', maxLength: 255 } },
  required: ['name'],
  additionalProperties: false,
} as const;

const PARKING_TYPE = { type: 'string', enum: ['ALONG_MOTORWAY', 'PARKING_GARAGE', 'PARKING_LOT', 'ON_DRIVEWAY', 'ON_STREET', 'UNDERGROUND_GARAGE'] } as const;

const NAME = { type: 'string', minLength: 1, maxLength: 255 } as const;
const TIME_ZONE = { type: 'string', minLength: 1, maxLength: 64, description: 'IANA time zone (Europe/Berlin); tariff restrictions of its stations are read in it' } as const;

export interface SiteBody {
  id?: string;
  name: string;
  timeZone: string;
  address?: SiteAddress | null;
  coordinates?: { latitude: number; longitude: number } | null;
  gridConnection?: GridConnection | null;
  openingTimes?: OpeningTimes | null;
  operator?: SiteOperator | null;
  parkingType?: string | null;
  tags?: string[];
}
export type SitePatchBody = Partial<Omit<SiteBody, 'id'>>;

export const CREATE_SITE_SCHEMA = {
  type: 'object',
  properties: {
    id: { ...SITE_ID, description: 'generated (a UUID) when absent' },
    name: NAME,
    timeZone: TIME_ZONE,
    address: ADDRESS,
    coordinates: COORDINATES,
    gridConnection: GRID_CONNECTION,
    openingTimes: OPENING_TIMES,
    operator: OPERATOR,
    parkingType: PARKING_TYPE,
    tags: TAGS,
  },
  required: ['name', 'timeZone'],
  additionalProperties: false,
} as const;

/** Every field optional; null clears an optional one. */
export const PATCH_SITE_SCHEMA = {
  type: 'object',
  properties: {
    name: NAME,
    timeZone: TIME_ZONE,
    address: nullable(ADDRESS),
    coordinates: nullable(COORDINATES),
    gridConnection: nullable(GRID_CONNECTION),
    openingTimes: nullable(OPENING_TIMES),
    operator: nullable(OPERATOR),
    parkingType: nullable(PARKING_TYPE),
    tags: TAGS,
  },
  additionalProperties: false,
  minProperties: 1,
} as const;

export const SITE = component(
  'Site',
  view({
    id: string,
    name: string,
    timeZone: string,
    address: nullable(ADDRESS),
    coordinates: nullable(COORDINATES),
    gridConnection: nullable(GRID_CONNECTION),
    openingTimes: nullable(OPENING_TIMES),
    operator: nullable(OPERATOR),
    parkingType: nullable(PARKING_TYPE),
    tags: { type: 'array', items: string },
    createdAt: dateTime,
    updatedAt: dateTime,
  }),
);
export const CREATE_SITE = component('CreateSite', CREATE_SITE_SCHEMA);
export const PATCH_SITE = component('UpdateSite', PATCH_SITE_SCHEMA);
