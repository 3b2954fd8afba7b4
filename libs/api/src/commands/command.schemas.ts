import { component, dateTime, view } from '../openapi/schema-components';

/** 200: the station answered. */
export const COMMAND_ANSWER = component(
  'CommandAnswer',
  view({
    status: { type: 'string', description: "the station's status field (Accepted, Rejected, ...); Accepted when its answer has none" },
    response: { type: 'object', additionalProperties: true, description: "the station's answer payload as OCPP defines it for its protocol version" },
  }),
);

/** 202: queued for an offline station (queueIfOffline=true). */
export const QUEUED_COMMAND = component(
  'QueuedCommand',
  view({ commandId: { type: 'string' }, status: { type: 'string', enum: ['Queued'] }, expiresAt: dateTime }),
);

/** GET /commands/{commandId}: a queued command and, once delivered, its outcome. */
export const PENDING_COMMAND = component('PendingCommand', {
  type: 'object',
  properties: {
    commandId: { type: 'string' },
    stationId: { type: 'string' },
    action: { type: 'string', description: 'the OCPP action sent' },
    payload: { type: 'object', additionalProperties: true },
    status: { type: 'string', enum: ['Queued', 'Delivered', 'Expired', 'Failed'] },
    outcome: { type: 'object', additionalProperties: true, description: "the station's answer, or the failure, once delivered" },
    expiresAt: dateTime,
    createdAt: dateTime,
    updatedAt: dateTime,
  },
  required: ['commandId', 'stationId', 'action', 'payload', 'status', 'expiresAt', 'createdAt', 'updatedAt'],
});
