import { type OcppVersion } from '../versions/ocpp-version';
import { requireDescriptor } from '../versions/version-registry';
import { type RpcErrorKind } from './rpc-error-kind';

function assertPayloadObject(payload: unknown, what: string): void {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TypeError(`${what} payload must be a plain object`);
  }
}

/** Cuts to `limit` UTF-16 units with an ellipsis, never splitting a surrogate pair. */
function truncate(text: string, limit: number): string {
  let end = limit - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** [2, messageId, action, payload]. Throws TypeError for a non-object payload (a programming error). */
export function serializeCall(messageId: string, action: string, payload: unknown): string {
  assertPayloadObject(payload, `${action} CALL`);
  return JSON.stringify([2, messageId, action, payload]);
}

/** [3, messageId, payload]. */
export function serializeCallResult(messageId: string, payload: unknown): string {
  assertPayloadObject(payload, 'CALLRESULT');
  return JSON.stringify([3, messageId, payload]);
}

/**
 * [4, messageId, errorCode, errorDescription, errorDetails] with the kind spelled for the version
 * and the description cut to the version's limit (2.0.1: 255 characters).
 */
export function serializeCallError(
  version: OcppVersion,
  messageId: string,
  kind: RpcErrorKind,
  description: string,
  details: Record<string, unknown> = {},
): string {
  const descriptor = requireDescriptor(version);
  const limit = descriptor.maxErrorDescriptionLength;
  const text = limit !== undefined && description.length > limit ? truncate(description, limit) : description;
  return JSON.stringify([4, messageId, descriptor.errorCodes[kind], text, details]);
}
