import { randomInt } from 'node:crypto';
import type { OcppVersion } from '@evcsms/ocpp';
import { badRequest } from '../http/problem';
import { refuseRefusedTrigger } from './trigger-message.policy';

/** One API command as OCPP: the action and payload for the station's protocol version. */
export interface OcppCall {
  readonly action: string;
  readonly payload: Record<string, unknown>;
}

export interface CommandContext {
  readonly protocol: OcppVersion;
  /** Resolves a session id of ours to the station's transaction id. */
  readonly transactionIdOf: (sessionId: string) => Promise<string>;
  /** The type a token is registered with, if it is (2.0.1 sends idToken with its type). */
  readonly tokenTypeOf: (idToken: string) => Promise<string | undefined>;
}

interface CommandDefinition {
  /** One line for the OpenAPI operation of this command. */
  readonly summary: string;
  /** JSON schema of the request body (also published in OpenAPI). */
  readonly body: Record<string, unknown>;
  readonly toOcpp: (body: Record<string, unknown>, context: CommandContext) => Promise<OcppCall> | OcppCall;
}

const evseConnector = { evseId: { type: 'integer', minimum: 0 }, connectorId: { type: 'integer', minimum: 0 } } as const;
const object = (properties: Record<string, unknown>, required: string[] = []): Record<string, unknown> => ({
  type: 'object',
  properties,
  // OpenAPI 3.0 (JSON Schema draft 4) wants a non-empty `required` or none at all.
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: false,
});
const v16 = (context: CommandContext): boolean => context.protocol === 'ocpp1.6';
const num = (body: Record<string, unknown>, key: string): number | undefined => body[key] as number | undefined;

/** 1.6 addresses a connector by one number; ours are (evseId, connectorId) with 1.6 connector N = EVSE N. */
function connector16(body: Record<string, unknown>): number {
  return num(body, 'evseId') ?? num(body, 'connectorId') ?? 0;
}

function evse201(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const evseId = num(body, 'evseId');
  if (evseId === undefined) return undefined;
  const connectorId = num(body, 'connectorId');
  return connectorId === undefined ? { id: evseId } : { id: evseId, connectorId };
}

export const STATION_COMMANDS: Record<string, CommandDefinition> = {
  'remote-start': {
    summary: 'Start a session remotely (RemoteStartTransaction / RequestStartTransaction)',
    body: object({ ...evseConnector, idToken: { type: 'string', minLength: 1, maxLength: 36 }, idTokenType: { type: 'string' } }, ['idToken']),
    toOcpp: async (body, context) =>
      v16(context)
        ? { action: 'RemoteStartTransaction', payload: { idTag: body['idToken'], ...(num(body, 'evseId') ?? num(body, 'connectorId') ? { connectorId: connector16(body) } : {}) } }
        : {
            action: 'RequestStartTransaction',
            payload: {
              // The station reports the session with this idToken and type, and the CSMS
              // authorizes it by both: the type the token is registered with, else Central.
              idToken: { idToken: body['idToken'], type: body['idTokenType'] ?? (await context.tokenTypeOf(body['idToken'] as string)) ?? 'Central' },
              remoteStartId: randomInt(1, 2 ** 31 - 1),
              ...(num(body, 'evseId') !== undefined ? { evseId: num(body, 'evseId') } : {}),
            },
          },
  },
  'remote-stop': {
    summary: 'Stop a session remotely (RemoteStopTransaction / RequestStopTransaction)',
    body: object({ sessionId: { type: 'string', format: 'uuid' } }, ['sessionId']),
    toOcpp: async (body, context) => {
      const transactionId = await context.transactionIdOf(body['sessionId'] as string);
      if (v16(context)) {
        const numeric = Number(transactionId);
        if (!Number.isInteger(numeric)) throw badRequest('this session has no 1.6 transaction id');
        return { action: 'RemoteStopTransaction', payload: { transactionId: numeric } };
      }
      return { action: 'RequestStopTransaction', payload: { transactionId } };
    },
  },
  reset: {
    summary: 'Reset the station: Soft/OnIdle or Hard/Immediate (Reset)',
    body: object({ type: { enum: ['Soft', 'Hard', 'Immediate', 'OnIdle'] } }),
    toOcpp: (body, context) => {
      const type = body['type'] as string | undefined;
      if (v16(context)) return { action: 'Reset', payload: { type: type === 'Hard' || type === 'Immediate' ? 'Hard' : 'Soft' } };
      return { action: 'Reset', payload: { type: type === 'Hard' || type === 'Immediate' ? 'Immediate' : 'OnIdle' } };
    },
  },
  unlock: {
    summary: 'Unlock a connector (UnlockConnector)',
    body: object(evseConnector, ['evseId']),
    toOcpp: (body, context) =>
      v16(context)
        ? { action: 'UnlockConnector', payload: { connectorId: connector16(body) } }
        : { action: 'UnlockConnector', payload: { evseId: num(body, 'evseId'), connectorId: num(body, 'connectorId') ?? 1 } },
  },
  'change-availability': {
    summary: 'Make the station, an EVSE or a connector operative or inoperative (ChangeAvailability)',
    body: object({ ...evseConnector, operative: { type: 'boolean' } }, ['operative']),
    toOcpp: (body, context) => {
      const operative = body['operative'] === true;
      if (v16(context)) return { action: 'ChangeAvailability', payload: { connectorId: connector16(body), type: operative ? 'Operative' : 'Inoperative' } };
      const evse = evse201(body);
      return { action: 'ChangeAvailability', payload: { operationalStatus: operative ? 'Operative' : 'Inoperative', ...(evse && evse['id'] !== 0 ? { evse } : {}) } };
    },
  },
  'trigger-message': {
    summary: 'Ask the station to send a message now (TriggerMessage)',
    body: object({ message: { type: 'string', minLength: 1 }, ...evseConnector }, ['message']),
    toOcpp: (body, context) => {
      refuseRefusedTrigger(body['message'] as string);
      if (v16(context)) {
        const connectorId = num(body, 'evseId') ?? num(body, 'connectorId');
        return { action: 'TriggerMessage', payload: { requestedMessage: body['message'], ...(connectorId !== undefined ? { connectorId } : {}) } };
      }
      const evse = evse201(body);
      return { action: 'TriggerMessage', payload: { requestedMessage: body['message'], ...(evse ? { evse } : {}) } };
    },
  },
  'get-configuration': {
    summary: 'Read configuration keys (GetConfiguration / GetVariables; all keys: GetBaseReport)',
    body: object({ keys: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 100 } }),
    toOcpp: (body, context) => {
      const keys = (body['keys'] as string[] | undefined) ?? [];
      if (v16(context)) return { action: 'GetConfiguration', payload: keys.length ? { key: keys } : {} };
      // 2.0.1 has no flat key list: "Component.Variable" names are read with GetVariables.
      if (!keys.length) return { action: 'GetBaseReport', payload: { requestId: randomInt(1, 2 ** 31 - 1), reportBase: 'ConfigurationInventory' } };
      return { action: 'GetVariables', payload: { getVariableData: keys.map(variableRef) } };
    },
  },
  'set-configuration': {
    summary: 'Set a configuration key (ChangeConfiguration / SetVariables)',
    body: object({ key: { type: 'string', minLength: 1 }, value: { type: 'string' } }, ['key', 'value']),
    toOcpp: (body, context) =>
      v16(context)
        ? { action: 'ChangeConfiguration', payload: { key: body['key'], value: body['value'] } }
        : { action: 'SetVariables', payload: { setVariableData: [{ ...variableRef(body['key'] as string), attributeValue: body['value'] }] } },
  },
  'clear-cache': { summary: 'Clear the authorization cache (ClearCache)', body: object({}), toOcpp: () => ({ action: 'ClearCache', payload: {} }) },
  'data-transfer': {
    summary: 'Send a vendor-specific message (DataTransfer)',
    body: object({ vendorId: { type: 'string', minLength: 1 }, messageId: { type: 'string' }, data: { type: 'string' } }, ['vendorId']),
    toOcpp: (body) => ({ action: 'DataTransfer', payload: { ...body } }),
  },
};

/** "Component.Variable" (or "Component.Variable.Instance") as a 2.0.1 variable reference. */
function variableRef(name: string): Record<string, unknown> {
  const [component, variable, instance] = name.split('.');
  if (!component || !variable) throw badRequest(`"${name}" is not Component.Variable`);
  return { component: { name: component }, variable: instance ? { name: variable, instance } : { name: variable } };
}
