import { component } from './schema-components';

/** RFC 7807 problem details, with the extensions this API adds. */
export const PROBLEM = component('Problem', {
  type: 'object',
  description: 'RFC 7807 problem details (application/problem+json).',
  properties: {
    type: { type: 'string', description: 'a URI naming the kind of problem' },
    title: { type: 'string', description: 'the HTTP status text' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      description: 'validation errors: each names the invalid field as a JSON Pointer into the request body',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } }, required: ['path', 'message'], additionalProperties: false },
    },
    stationStatus: { type: 'string', description: 'what the station answered when it refused (Rejected, Occupied, ...)' },
    errorCode: { type: 'string', description: 'the OCPP CALLERROR code the station answered with' },
    delivered: {
      type: 'boolean',
      description: 'a command that failed: false (type .../not-delivered, 409) when it never reached the station, safe to retry; true (type .../delivered-no-answer, 502) when the station received it and disconnected before answering, so it may have acted on it',
    },
  },
  required: ['type', 'title', 'status'],
  additionalProperties: true,
});
