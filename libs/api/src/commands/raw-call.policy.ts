import { getValidator, senderOf, type OcppVersion } from '@evcsms/ocpp';
import { badRequest } from '../http/problem';
import { refuseRefusedTrigger } from './trigger-message.policy';

/** The actions the CSMS may send in a version (CSMS-initiated, and DataTransfer, which both sides send). */
export function csmsActions(version: OcppVersion): string[] {
  return getValidator(version).actions.filter((action) => senderOf(version, action) !== 'ChargingStation');
}

/**
 * A raw OCPP call checked before anything is sent: an action the CSMS may send in the station's
 * version, a payload its OCA schema accepts (400 with the schema paths), and no setting the API
 * owns elsewhere, which a raw call would change behind its back.
 */
export function checkRawCall(stationId: string, version: OcppVersion, action: string, payload: Record<string, unknown>): void {
  const sender = senderOf(version, action);
  if (sender === undefined) throw badRequest(`"${action}" is not an ${version} action; the CSMS sends: ${csmsActions(version).join(', ')}`);
  if (sender === 'ChargingStation') throw badRequest(`${action} is sent by the station, not by the CSMS, in ${version}`);
  const validation = getValidator(version).validateRequest(action, payload);
  if (!validation.ok) throw badRequest(validation.description, validation.details);
  // 1.6 ExtendedTriggerMessage (security whitepaper) triggers SignCertificate too.
  if (action === 'TriggerMessage' || action === 'ExtendedTriggerMessage') refuseRefusedTrigger(String(payload['requestedMessage']), '/requestedMessage');
  refuseOwnedSetting(stationId, action, payload);
}

/** Refuses a call setting the password or security profile, which their own endpoints change (typed commands too). */
export function refuseOwnedSetting(stationId: string, action: string, payload: Record<string, unknown>): void {
  const owned = ownedSetting(action, payload);
  if (owned) throw badRequest(`${owned.what} is not set with a raw call: ${owned.use(stationId)}`, { errors: [{ path: owned.path, message: 'owned by another endpoint' }] });
}

interface OwnedSetting {
  readonly what: string;
  readonly path: string;
  readonly use: (stationId: string) => string;
}

// The CSMS keeps the station's password (hashed) and security profile: a raw call setting them
// would leave the station with credentials the CSMS does not know, locked out at its next connect.
const PASSWORD = (stationId: string): string => `use POST /api/v1/stations/${stationId}/credentials/rotate, which keeps the CSMS's copy in step`;
const PROFILE = (stationId: string): string => `use PATCH /api/v1/stations/${stationId} (securityProfile), which keeps the CSMS's copy in step`;
const OWNED_16: Record<string, (stationId: string) => string> = { authorizationkey: PASSWORD, securityprofile: PROFILE };
const OWNED_201: Record<string, (stationId: string) => string> = { 'securityctrlr.basicauthpassword': PASSWORD, 'securityctrlr.securityprofile': PROFILE };

function ownedSetting(action: string, payload: Record<string, unknown>): OwnedSetting | undefined {
  // 1.6 configuration keys are case-insensitive (OCPP 1.6 section 9).
  if (action === 'ChangeConfiguration') {
    const key = String(payload['key']);
    const use = OWNED_16[key.toLowerCase()];
    return use && { what: key, path: '/key', use };
  }
  if (action !== 'SetVariables') return undefined;
  const entries = payload['setVariableData'] as Array<{ component: { name: string }; variable: { name: string } }>;
  for (const [index, entry] of entries.entries()) {
    const name = `${entry.component.name}.${entry.variable.name}`;
    const use = OWNED_201[name.toLowerCase()];
    if (use) return { what: name, path: `/setVariableData/${index}`, use };
  }
  return undefined;
}
