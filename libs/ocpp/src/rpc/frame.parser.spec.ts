import { type OcppVersion } from '../versions/ocpp-version';
import { callErrorReplyId, type FrameFailureReason, parseFrame } from './frame.parser';
import { type RpcErrorKind } from './rpc-error-kind';

const ID_36 = 'a'.repeat(36);
const ID_37 = 'a'.repeat(37);

describe('parseFrame: well-formed frames', () => {
  it('reads a CALL', () => {
    expect(parseFrame('[2,"19223201","Heartbeat",{}]', 'ocpp1.6')).toEqual({
      ok: true,
      frame: { type: 2, messageId: '19223201', action: 'Heartbeat', payload: {} },
    });
  });

  it('reads a CALLRESULT', () => {
    expect(parseFrame('[3,"19223201",{"currentTime":"2025-03-14T09:26:53Z"}]', 'ocpp2.0.1')).toEqual({
      ok: true,
      frame: { type: 3, messageId: '19223201', payload: { currentTime: '2025-03-14T09:26:53Z' } },
    });
  });

  it('reads a CALLERROR, whatever code the peer uses', () => {
    expect(parseFrame('[4,"162376037","NotSupported","SetDisplayMessage not supported",{}]', 'ocpp2.0.1')).toEqual({
      ok: true,
      frame: { type: 4, messageId: '162376037', errorCode: 'NotSupported', errorDescription: 'SetDisplayMessage not supported', errorDetails: {} },
    });
    expect(parseFrame('[4,"1","VendorSpecificFault","",{"reason":"x"}]', 'ocpp1.6').ok).toBe(true);
  });

  it('accepts a 36-character id (a UUID) and surrounding whitespace', () => {
    expect(parseFrame(` [2,"${ID_36}","Heartbeat",{}]\n`, 'ocpp1.6').ok).toBe(true);
    expect(parseFrame('[2,"0f8fad5b-d9cb-469f-a165-70867728950e","Heartbeat",{}]', 'ocpp1.6').ok).toBe(true);
  });

  it('counts id length in characters, so 36 emoji are not too long', () => {
    expect(parseFrame(JSON.stringify([2, '🔌'.repeat(36), 'Heartbeat', {}]), 'ocpp1.6').ok).toBe(true);
  });

  it('leaves an unknown action to the validator (NotImplemented there), not the framing', () => {
    expect(parseFrame('[2,"1","__proto__",{}]', 'ocpp1.6')).toMatchObject({ ok: true, frame: { action: '__proto__' } });
  });

  it('keeps a "__proto__" key as plain data and pollutes no prototype', () => {
    const result = parseFrame('[2,"1","DataTransfer",{"__proto__":{"polluted":true},"vendorId":"x"}]', 'ocpp1.6');
    expect(result.ok).toBe(true);
    if (!result.ok || result.frame.type !== 2) return;
    expect(Object.getPrototypeOf(result.frame.payload)).toBe(Object.prototype);
    expect(Object.keys(result.frame.payload)).toEqual(['__proto__', 'vendorId']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

type HostileCase = [string, string, FrameFailureReason, RpcErrorKind, string | null];

describe('parseFrame: hostile frames fail with an exact reason, kind and answerable id', () => {
  const CASES: HostileCase[] = [
    ['not JSON at all', 'hello charger', 'invalid-json', 'RpcFrameworkError', null],
    ['an empty frame', '', 'invalid-json', 'RpcFrameworkError', null],
    ['truncated JSON', '[2,"1","Heartbeat",{', 'invalid-json', 'RpcFrameworkError', null],
    ['binary-looking junk', '\u0000\u0001\u0002\uFFFD\uFFFD\u0003', 'invalid-json', 'RpcFrameworkError', null],
    ['a lone surrogate', '"\uD800"', 'not-an-array', 'RpcFrameworkError', null],
    ['a JSON object', '{"messageTypeId":2}', 'not-an-array', 'RpcFrameworkError', null],
    ['a JSON string', '"[2,\\"1\\",\\"Heartbeat\\",{}]"', 'not-an-array', 'RpcFrameworkError', null],
    ['JSON null', 'null', 'not-an-array', 'RpcFrameworkError', null],
    ['an empty array', '[]', 'bad-message-type', 'RpcFrameworkError', null],
    ['a nested frame', '[[2,"1","Heartbeat",{}]]', 'bad-message-type', 'RpcFrameworkError', null],
    ['deeply nested arrays', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'bad-message-type', 'RpcFrameworkError', null],
    ['message type as a string', '["2","1","Heartbeat",{}]', 'bad-message-type', 'RpcFrameworkError', null],
    ['a fractional message type', '[2.5,"1","Heartbeat",{}]', 'bad-message-type', 'RpcFrameworkError', null],
    ['a message type that overflows to Infinity', '[2e400,"1","Heartbeat",{}]', 'bad-message-type', 'RpcFrameworkError', null],
    ['message type 5 (2.1 CALLRESULTERROR)', '[5,"1","GenericError","",{}]', 'unsupported-message-type', 'MessageTypeNotSupported', '1'],
    ['message type 6 (2.1 SEND)', '[6,"1","NotifyPeriodicEventStream",{}]', 'unsupported-message-type', 'MessageTypeNotSupported', '1'],
    ['message type 0', '[0,"7"]', 'unsupported-message-type', 'MessageTypeNotSupported', '7'],
    ['a huge message type', '[12345678901234567890,"1"]', 'unsupported-message-type', 'MessageTypeNotSupported', '1'],
    ['no message id', '[2]', 'bad-message-id', 'RpcFrameworkError', null],
    ['a numeric message id', '[2,19223201,"Heartbeat",{}]', 'bad-message-id', 'RpcFrameworkError', null],
    ['an empty message id', '[2,"","Heartbeat",{}]', 'bad-message-id', 'RpcFrameworkError', null],
    ['a null message id', '[2,null,"Heartbeat",{}]', 'bad-message-id', 'RpcFrameworkError', null],
    ['a 37-character message id', `[2,"${ID_37}","Heartbeat",{}]`, 'message-id-too-long', 'RpcFrameworkError', ID_37],
    ['a CALL without action and payload', '[2,"1"]', 'wrong-arity', 'RpcFrameworkError', '1'],
    ['a CALL without payload', '[2,"1","Heartbeat"]', 'wrong-arity', 'RpcFrameworkError', '1'],
    ['a CALL with a trailing element', '[2,"1","Heartbeat",{},{}]', 'wrong-arity', 'RpcFrameworkError', '1'],
    ['a CALLRESULT with an action', '[3,"1","Heartbeat",{}]', 'wrong-arity', 'RpcFrameworkError', '1'],
    ['a CALLERROR without details', '[4,"1","GenericError","boom"]', 'wrong-arity', 'RpcFrameworkError', '1'],
    ['a numeric action', '[2,"1",42,{}]', 'bad-action', 'RpcFrameworkError', '1'],
    ['an empty action', '[2,"1","",{}]', 'bad-action', 'RpcFrameworkError', '1'],
    ['a null action', '[2,"1",null,{}]', 'bad-action', 'RpcFrameworkError', '1'],
    ['an array payload', '[2,"1","Heartbeat",[]]', 'payload-not-object', 'FormatViolation', '1'],
    ['a null payload', '[2,"1","Heartbeat",null]', 'payload-not-object', 'FormatViolation', '1'],
    ['a string payload', '[2,"1","Heartbeat","{}"]', 'payload-not-object', 'FormatViolation', '1'],
    ['a numeric payload', '[2,"1","Heartbeat",1e999]', 'payload-not-object', 'FormatViolation', '1'],
    ['a CALLRESULT with a null payload', '[3,"1",null]', 'payload-not-object', 'FormatViolation', '1'],
    ['a numeric error code', '[4,"1",500,"boom",{}]', 'bad-error-code', 'RpcFrameworkError', '1'],
    ['an empty error code', '[4,"1","","boom",{}]', 'bad-error-code', 'RpcFrameworkError', '1'],
    ['a null error description', '[4,"1","GenericError",null,{}]', 'bad-error-description', 'RpcFrameworkError', '1'],
    ['array error details', '[4,"1","GenericError","boom",[]]', 'bad-error-details', 'RpcFrameworkError', '1'],
  ];

  describe.each<OcppVersion>(['ocpp1.6', 'ocpp2.0.1'])('%s', (version) => {
    it.each(CASES)('%s', (_story, text, reason, kind, messageId) => {
      const result = parseFrame(text, version);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.failure).toMatchObject({ reason, kind, messageId });
      expect(result.failure.description.length).toBeGreaterThan(10);
    });
  });

  it('survives inputs that are not text at all', () => {
    expect(parseFrame(undefined as unknown as string, 'ocpp1.6')).toMatchObject({ ok: false, failure: { reason: 'invalid-json' } });
    expect(parseFrame(Buffer.from('[2,"1","Heartbeat",{}]') as unknown as string, 'ocpp1.6')).toMatchObject({
      ok: false,
      failure: { reason: 'invalid-json' },
    });
    expect(parseFrame('[2,"1","Heartbeat",{}]', 'ocpp9' as OcppVersion)).toMatchObject({
      ok: false,
      failure: { reason: 'unsupported-version' },
    });
  });
});

describe('callErrorReplyId: whom a CALLERROR answers', () => {
  const failureOf = (text: string, version: OcppVersion) => {
    const result = parseFrame(text, version);
    if (result.ok) throw new Error('expected a failure');
    return result.failure;
  };

  it('answers a bad CALL with its own id in both versions', () => {
    expect(callErrorReplyId('ocpp1.6', failureOf('[2,"17","Heartbeat",null]', 'ocpp1.6'))).toBe('17');
    expect(callErrorReplyId('ocpp2.0.1', failureOf('[2,"17","Heartbeat",null]', 'ocpp2.0.1'))).toBe('17');
  });

  it('a 2.0.1 CSMS answers an unreadable id with "-1"; a 1.6 one cannot answer', () => {
    expect(callErrorReplyId('ocpp2.0.1', failureOf('[2,17,"Heartbeat",{}]', 'ocpp2.0.1'))).toBe('-1');
    expect(callErrorReplyId('ocpp2.0.1', failureOf('not json', 'ocpp2.0.1'))).toBe('-1');
    expect(callErrorReplyId('ocpp1.6', failureOf('[2,17,"Heartbeat",{}]', 'ocpp1.6'))).toBeNull();
  });

  it('2.0.1 answers an unknown message type with MessageTypeNotSupported; 1.6 ignores it', () => {
    expect(callErrorReplyId('ocpp2.0.1', failureOf('[6,"9","X",{}]', 'ocpp2.0.1'))).toBe('9');
    expect(callErrorReplyId('ocpp1.6', failureOf('[6,"9","X",{}]', 'ocpp1.6'))).toBeNull();
  });

  it('never answers a malformed CALLRESULT or CALLERROR', () => {
    expect(callErrorReplyId('ocpp2.0.1', failureOf('[3,"5",[]]', 'ocpp2.0.1'))).toBeNull();
    expect(callErrorReplyId('ocpp2.0.1', failureOf('[4,"5",1,"",{}]', 'ocpp2.0.1'))).toBeNull();
    expect(callErrorReplyId('ocpp2.0.1', failureOf('[3,5,{}]', 'ocpp2.0.1'))).toBeNull();
  });
});
