import { type OcppVersion } from '../versions/ocpp-version';
import { descriptorOf } from '../versions/version-registry';
import { type Frame, MAX_MESSAGE_ID_LENGTH } from './frame.types';
import { type RpcErrorKind } from './rpc-error-kind';

export type FrameFailureReason =
  | 'unsupported-version'
  | 'invalid-json'
  | 'not-an-array'
  | 'bad-message-type'
  | 'unsupported-message-type'
  | 'bad-message-id'
  | 'message-id-too-long'
  | 'wrong-arity'
  | 'bad-action'
  | 'payload-not-object'
  | 'bad-error-code'
  | 'bad-error-description'
  | 'bad-error-details';

export interface FrameFailure {
  reason: FrameFailureReason;
  kind: RpcErrorKind;
  /** The id to answer with when it could be read (a non-empty string), else null. */
  messageId: string | null;
  /** The message type when it was a whole number, else null: CALLRESULT/CALLERROR failures are not answered. */
  messageType: number | null;
  description: string;
}

export type ParseResult = { ok: true; frame: Frame } | { ok: false; failure: FrameFailure };

/** Frame layouts by message type; OCPP 2.1 adds 5 (CALLRESULTERROR: 'error') and 6 (SEND: 'call'). */
type FrameShape = 'call' | 'result' | 'error';
const SHAPES: ReadonlyMap<number, FrameShape> = new Map<number, FrameShape>([
  [2, 'call'],
  [3, 'result'],
  [4, 'error'],
]);
const ARITY: Readonly<Record<FrameShape, number>> = { call: 4, result: 3, error: 5 };

/** Reason -> error kind; frame-level problems are RPC framework errors unless the spec says otherwise. */
const KIND_BY_REASON: Readonly<Record<FrameFailureReason, RpcErrorKind>> = {
  'unsupported-version': 'InternalError',
  'invalid-json': 'RpcFrameworkError',
  'not-an-array': 'RpcFrameworkError',
  'bad-message-type': 'RpcFrameworkError',
  'unsupported-message-type': 'MessageTypeNotSupported',
  'bad-message-id': 'RpcFrameworkError',
  'message-id-too-long': 'RpcFrameworkError',
  'wrong-arity': 'RpcFrameworkError',
  'bad-action': 'RpcFrameworkError',
  // The envelope is fine but the payload does not have the PDU's shape.
  'payload-not-object': 'FormatViolation',
  'bad-error-code': 'RpcFrameworkError',
  'bad-error-description': 'RpcFrameworkError',
  'bad-error-details': 'RpcFrameworkError',
};

function fail(
  reason: FrameFailureReason,
  description: string,
  messageId: string | null = null,
  messageType: number | null = null,
): ParseResult {
  return { ok: false, failure: { reason, kind: KIND_BY_REASON[reason], messageId, messageType, description } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Length in characters (code points), so a 36-character id of non-BMP characters is not "too long". */
function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Parses one OCPP-J text frame. Never throws: every input ends in a frame or a failure that says
 * why, which error kind to answer with and, when readable, the message id to answer to.
 * The payload is not schema-checked here (see OcppValidator).
 */
export function parseFrame(text: string, version: OcppVersion): ParseResult {
  const descriptor = descriptorOf(version);
  if (!descriptor) return fail('unsupported-version', `unsupported OCPP version ${JSON.stringify(String(version))}`);
  if (typeof text !== 'string') return fail('invalid-json', `frame is ${describe(text)}, not text`);

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('invalid-json', 'frame is not valid JSON');
  }
  if (!Array.isArray(value)) return fail('not-an-array', `frame must be a JSON array, got ${describe(value)}`);

  const type: unknown = value[0];
  if (typeof type !== 'number' || !Number.isInteger(type)) {
    return fail('bad-message-type', `message type must be a whole number, got ${describe(type)}`);
  }
  const rawId: unknown = value[1];
  const readableId = typeof rawId === 'string' && rawId.length > 0 ? rawId : null;
  const shape = SHAPES.get(type);
  if (shape === undefined || !descriptor.messageTypes.has(type)) {
    return fail('unsupported-message-type', `message type ${type} is not supported by ${version}`, readableId, type);
  }
  if (readableId === null) {
    return fail('bad-message-id', `message id must be a non-empty string, got ${describe(rawId)}`, null, type);
  }
  if (readableId.length > MAX_MESSAGE_ID_LENGTH && characterCount(readableId) > MAX_MESSAGE_ID_LENGTH) {
    return fail(
      'message-id-too-long',
      `message id must be at most ${MAX_MESSAGE_ID_LENGTH} characters, got ${characterCount(readableId)}`,
      readableId,
      type,
    );
  }
  if (value.length !== ARITY[shape]) {
    return fail('wrong-arity', `message type ${type} frame must have ${ARITY[shape]} elements, got ${value.length}`, readableId, type);
  }

  switch (shape) {
    case 'call': {
      const action: unknown = value[2];
      if (typeof action !== 'string' || action.length === 0) {
        return fail('bad-action', `action must be a non-empty string, got ${describe(action)}`, readableId, type);
      }
      const payload: unknown = value[3];
      if (!isPlainObject(payload)) {
        return fail('payload-not-object', `${action} payload must be a JSON object, got ${describe(payload)}`, readableId, type);
      }
      return { ok: true, frame: { type: 2, messageId: readableId, action, payload } };
    }
    case 'result': {
      const payload: unknown = value[2];
      if (!isPlainObject(payload)) {
        return fail('payload-not-object', `result payload must be a JSON object, got ${describe(payload)}`, readableId, type);
      }
      return { ok: true, frame: { type: 3, messageId: readableId, payload } };
    }
    case 'error': {
      const [, , errorCode, errorDescription, errorDetails] = value as unknown[];
      if (typeof errorCode !== 'string' || errorCode.length === 0) {
        return fail('bad-error-code', `errorCode must be a non-empty string, got ${describe(errorCode)}`, readableId, type);
      }
      if (typeof errorDescription !== 'string') {
        return fail('bad-error-description', `errorDescription must be a string, got ${describe(errorDescription)}`, readableId, type);
      }
      if (!isPlainObject(errorDetails)) {
        return fail('bad-error-details', `errorDetails must be a JSON object, got ${describe(errorDetails)}`, readableId, type);
      }
      return { ok: true, frame: { type: 4, messageId: readableId, errorCode, errorDescription, errorDetails } };
    }
  }
}

/**
 * The message id a CALLERROR answering this failure must carry, or null when the spec says not to
 * answer: malformed CALLRESULT/CALLERROR frames are never answered, 1.6 ignores unknown message
 * types, and only 2.0.1 answers an unreadable id (with "-1").
 */
export function callErrorReplyId(version: OcppVersion, failure: FrameFailure): string | null {
  const descriptor = descriptorOf(version);
  if (!descriptor) return null;
  if (failure.reason === 'unsupported-message-type' && !descriptor.answersUnsupportedMessageType) return null;
  if (failure.messageType !== null && SHAPES.has(failure.messageType) && SHAPES.get(failure.messageType) !== 'call') {
    return null;
  }
  return failure.messageId ?? descriptor.unreadableMessageIdReply;
}
