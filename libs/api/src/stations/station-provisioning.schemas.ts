import { SITE_ID, TAGS } from '../sites/site.schemas';
import { component, dateTime, nullable, string, view } from '../openapi/schema-components';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './station-password.policy';

/** OCPP 2.0.1 part 4 identity: what the gateway accepts in /ocpp/{stationId}. */
const STATION_ID = { type: 'string', pattern: '^[A-Za-z0-9._~-]{1,48}$' } as const;
const PROFILE = { type: 'integer', enum: [0, 1, 2, 3], description: '0 none (if the deployment allows it), 1 Basic over ws, 2 Basic over TLS, 3 TLS client certificate' } as const;
const PASSWORD = {
  type: 'string',
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
  description: 'OCPP passwordString: 16-40 of A-Z a-z 0-9 *-_=:+|@. Stored as a scrypt hash, never returned.',
} as const;
const LABEL = { type: 'string', minLength: 1, maxLength: 50 } as const;

export type SecurityProfileNumber = 0 | 1 | 2 | 3;

export interface ProvisionStationBody {
  id: string;
  siteId?: string;
  securityProfile: SecurityProfileNumber;
  password?: string;
  vendor?: string;
  model?: string;
  tags?: string[];
}

export interface UpdateStationBody {
  siteId?: string | null;
  securityProfile?: SecurityProfileNumber;
  password?: string;
  vendor?: string | null;
  model?: string | null;
  tags?: string[];
}

export interface RotateCredentialsBody {
  password?: string;
}

export const PROVISION_STATION_SCHEMA = {
  type: 'object',
  properties: { id: STATION_ID, siteId: SITE_ID, securityProfile: PROFILE, password: PASSWORD, vendor: LABEL, model: LABEL, tags: TAGS },
  required: ['id', 'securityProfile'],
  additionalProperties: false,
} as const;

export const UPDATE_STATION_SCHEMA = {
  type: 'object',
  properties: {
    siteId: { ...nullable(SITE_ID), description: 'null takes the station out of its site' },
    securityProfile: { ...PROFILE, description: 'a higher profile is pending until the station connects with it; a lower one than reached is refused (409)' },
    password: { ...PASSWORD, description: 'only for a station without a password (going from profile 0 or 3 to 1 or 2); otherwise rotate' },
    vendor: nullable(LABEL),
    model: nullable(LABEL),
    tags: TAGS,
  },
  additionalProperties: false,
  minProperties: 1,
} as const;

export const ROTATE_CREDENTIALS_SCHEMA = {
  type: 'object',
  properties: { password: PASSWORD },
  additionalProperties: false,
} as const;

export const PROVISIONED_STATION = component(
  'ProvisionedStation',
  view({
    id: string,
    siteId: nullable(string),
    securityProfile: { type: 'integer', enum: [0, 1, 2, 3], description: 'the profile the station has reached: it may never connect with a lower one' },
    pendingSecurityProfile: { type: 'integer', enum: [1, 2, 3], nullable: true, description: 'accepted beside securityProfile until the station connects with it' },
    hasPassword: { type: 'boolean' },
    passwordRotationPending: { type: 'boolean', description: 'a new password was sent; the old one works until the station connects with the new one' },
    vendor: nullable(string),
    model: nullable(string),
    tags: { type: 'array', items: string },
    createdAt: dateTime,
    updatedAt: dateTime,
  }),
);

export const CREDENTIAL_ROTATION = component(
  'CredentialRotation',
  view(
    {
      status: { type: 'string', enum: ['Accepted', 'Queued'], description: 'Accepted: the station took the new password; Queued: sent when the offline station reconnects' },
      password: { ...string, description: 'the generated password, returned this once (absent when you sent one)' },
      commandId: { ...string, description: 'the queued command (Queued only)' },
    },
    ['password', 'commandId'],
  ),
);

export const PROVISION_STATION = component('ProvisionStation', PROVISION_STATION_SCHEMA);
export const UPDATE_STATION = component('UpdateStation', UPDATE_STATION_SCHEMA);
export const ROTATE_CREDENTIALS = component('RotateCredentials', ROTATE_CREDENTIALS_SCHEMA);
