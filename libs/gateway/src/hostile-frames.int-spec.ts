import type { OcppVersion } from '@evcsms/ocpp';
import type { StationOffline } from './gateway.ports';
import { cannedReply, ENGINES, startTestGateway, type TestGateway } from '../test/gateway-harness';
import { metricValue, samplesOf } from '../test/prometheus-text';
import { RawOcppClient } from '../test/raw-ocpp-client';

/**
 * Bad input, frame by frame, against both engines and both OCPP versions: every row names the
 * exact answer (a CALLERROR, nothing, or a CALLRESULT), the frame-failure reason it is counted
 * under, and every non-fatal row proves the socket still works with a Heartbeat round trip.
 * Fatal rows (not text, not UTF-8, too big) name the close code.
 */

const VERSIONS: OcppVersion[] = ['ocpp1.6', 'ocpp2.0.1'];

type Answer =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'error';
      readonly id: string;
      readonly code: string;
      /** Substrings the errorDescription must contain (field path, rule, what was wrong). */
      readonly mentions: readonly string[];
      readonly details: unknown;
    }
  | { readonly kind: 'result'; readonly id: string; readonly payload: unknown; readonly handled: boolean };

type PerVersion<T> = Readonly<Record<OcppVersion, T>>;

interface Row {
  readonly name: string;
  /** The exact text sent in one WebSocket text frame. */
  readonly frame: string | PerVersion<string>;
  readonly answer: PerVersion<Answer>;
  /** The parser's reason, counted in ocpp_gateway_frame_failures_total (none: the frame parsed). */
  readonly failure?: string;
  /** Counted in ocpp_gateway_stray_responses_total{kind="unknown"}. */
  readonly stray?: true;
}

// ---- expected answers --------------------------------------------------------------------------

const NONE: Answer = { kind: 'none' };

function callError(id: string, code: string, mentions: readonly string[], details: unknown = {}): Answer {
  return { kind: 'error', id, code, mentions, details };
}

function same(answer: Answer): PerVersion<Answer> {
  return { 'ocpp1.6': answer, 'ocpp2.0.1': answer };
}

/** The id could not be read: 1.6 cannot answer, 2.0.1 answers with "-1" (RpcFrameworkError). */
function unreadable(...mentions: string[]): PerVersion<Answer> {
  return { 'ocpp1.6': NONE, 'ocpp2.0.1': callError('-1', 'RpcFrameworkError', mentions) };
}

/** A readable id in a frame that is not a valid RPC message: 1.6 FormationViolation, 2.0.1 RpcFrameworkError. */
function framework(id: string, ...mentions: string[]): PerVersion<Answer> {
  return { 'ocpp1.6': callError(id, 'FormationViolation', mentions), 'ocpp2.0.1': callError(id, 'RpcFrameworkError', mentions) };
}

/** 1.6 ignores unknown message types; 2.0.1 answers MessageTypeNotSupported. */
function unsupportedType(id: string, type: number): PerVersion<Answer> {
  return {
    'ocpp1.6': NONE,
    'ocpp2.0.1': callError(id, 'MessageTypeNotSupported', [`message type ${type}`, 'not supported']),
  };
}

/** The payload is not an object: FormationViolation / FormatViolation. */
function formatViolation(id: string, ...mentions: string[]): PerVersion<Answer> {
  return { 'ocpp1.6': callError(id, 'FormationViolation', mentions), 'ocpp2.0.1': callError(id, 'FormatViolation', mentions) };
}

/** A schema violation: the code, and the path and rule in both description and details. */
function schemaError(id: string, code: string, action: string, path: string, rule: string): Answer {
  return callError(id, code, [`${action} request`, path, `(${rule})`], {
    errors: [{ path, rule, message: expect.any(String) }],
  });
}

const OCCURRENCE: PerVersion<string> = { 'ocpp1.6': 'OccurenceConstraintViolation', 'ocpp2.0.1': 'OccurrenceConstraintViolation' };
const FORMAT: PerVersion<string> = { 'ocpp1.6': 'FormationViolation', 'ocpp2.0.1': 'FormatViolation' };

function schemaErrors(id: string, code: string | PerVersion<string>, action: PerVersion<string>, path: PerVersion<string>, rule: string): PerVersion<Answer> {
  const codeOf = (version: OcppVersion): string => (typeof code === 'string' ? code : code[version]);
  return {
    'ocpp1.6': schemaError(id, codeOf('ocpp1.6'), action['ocpp1.6'], path['ocpp1.6'], rule),
    'ocpp2.0.1': schemaError(id, codeOf('ocpp2.0.1'), action['ocpp2.0.1'], path['ocpp2.0.1'], rule),
  };
}

function heartbeatResult(id: string): PerVersion<Answer> {
  return same({ kind: 'result', id, payload: { currentTime: expect.any(String) }, handled: false });
}

// ---- frames ------------------------------------------------------------------------------------

const call = (id: string, action: string, payload: unknown): string => JSON.stringify([2, id, action, payload]);
const perVersion = (v16: string, v201: string): PerVersion<string> => ({ 'ocpp1.6': v16, 'ocpp2.0.1': v201 });

const BOOT16 = { chargePointVendor: 'Acme', chargePointModel: 'AC22' };
const BOOT201 = { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC150' } };
const STATUS16 = { connectorId: 1, errorCode: 'NoError', status: 'Available' };
const STATUS201 = { timestamp: '2025-01-01T00:00:00Z', connectorStatus: 'Available', evseId: 1, connectorId: 1 };
const BOOT_ACTION = perVersion('BootNotification', 'BootNotification');
const STATUS_ACTION = perVersion('StatusNotification', 'StatusNotification');

const ID_37 = 'x'.repeat(37);
/** 36 characters of 2 UTF-16 units each: the id limit counts characters. */
const ID_36_ASTRAL = '\u{1F50C}'.repeat(36);
const DEPTH = 10_000;
const deepArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const deepObjects = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

const ROWS: readonly Row[] = [
  // Not JSON at all.
  { name: 'truncated JSON', frame: '[2,"t1","Heartbeat",{}', answer: unreadable('not valid JSON'), failure: 'invalid-json' },
  { name: 'trailing garbage after the array', frame: '[2,"t2","Heartbeat",{}]xyz', answer: unreadable('not valid JSON'), failure: 'invalid-json' },
  { name: 'the word undefined', frame: 'undefined', answer: unreadable('not valid JSON'), failure: 'invalid-json' },
  { name: 'an empty text frame', frame: '', answer: unreadable('not valid JSON'), failure: 'invalid-json' },
  { name: 'whitespace only', frame: ' \t\r\n ', answer: unreadable('not valid JSON'), failure: 'invalid-json' },
  { name: 'single quotes instead of JSON strings', frame: "[2,'sq','Heartbeat',{}]", answer: unreadable('not valid JSON'), failure: 'invalid-json' },
  { name: 'a UTF-8 byte order mark before the array', frame: '\uFEFF[2,"bom","Heartbeat",{}]', answer: unreadable('not valid JSON'), failure: 'invalid-json' },
  // JSON, but not an array.
  { name: 'an object', frame: '{"a":1}', answer: unreadable('must be a JSON array', 'an object'), failure: 'not-an-array' },
  { name: 'a number', frame: '42', answer: unreadable('must be a JSON array', 'number'), failure: 'not-an-array' },
  { name: 'a string', frame: '"hello"', answer: unreadable('must be a JSON array', 'string'), failure: 'not-an-array' },
  { name: 'null', frame: 'null', answer: unreadable('must be a JSON array', 'null'), failure: 'not-an-array' },
  // Message type.
  { name: 'an empty array', frame: '[]', answer: unreadable('message type must be a whole number', 'undefined'), failure: 'bad-message-type' },
  { name: 'message type as the string "2"', frame: '["2","s2","Heartbeat",{}]', answer: unreadable('message type must be a whole number', 'string'), failure: 'bad-message-type' },
  { name: 'message type 2.5', frame: '[2.5,"m25","Heartbeat",{}]', answer: unreadable('message type must be a whole number', 'number'), failure: 'bad-message-type' },
  { name: 'message type 1e309 (Infinity)', frame: '[1e309,"inf","Heartbeat",{}]', answer: unreadable('message type must be a whole number'), failure: 'bad-message-type' },
  { name: 'message type 0', frame: '[0,"m0","Heartbeat",{}]', answer: unsupportedType('m0', 0), failure: 'unsupported-message-type' },
  { name: 'message type 5 (2.1 CALLRESULTERROR)', frame: '[5,"m5","GenericError","",{}]', answer: unsupportedType('m5', 5), failure: 'unsupported-message-type' },
  { name: 'message type 6 (2.1 SEND)', frame: '[6,"m6","Heartbeat",{}]', answer: unsupportedType('m6', 6), failure: 'unsupported-message-type' },
  { name: 'message type 99', frame: '[99,"m99","Heartbeat",{}]', answer: unsupportedType('m99', 99), failure: 'unsupported-message-type' },
  { name: 'message type -1', frame: '[-1,"mneg","Heartbeat",{}]', answer: unsupportedType('mneg', -1), failure: 'unsupported-message-type' },
  // Arity.
  { name: 'a CALL with 3 elements', frame: '[2,"a3","Heartbeat"]', answer: framework('a3', 'must have 4 elements, got 3'), failure: 'wrong-arity' },
  { name: 'a CALL with 5 elements', frame: '[2,"a5","Heartbeat",{},{}]', answer: framework('a5', 'must have 4 elements, got 5'), failure: 'wrong-arity' },
  // Message id.
  { name: 'a numeric message id', frame: '[2,42,"Heartbeat",{}]', answer: unreadable('message id must be a non-empty string', 'number'), failure: 'bad-message-id' },
  { name: 'a null message id', frame: '[2,null,"Heartbeat",{}]', answer: unreadable('message id must be a non-empty string', 'null'), failure: 'bad-message-id' },
  { name: 'an object message id', frame: '[2,{"id":"x"},"Heartbeat",{}]', answer: unreadable('message id must be a non-empty string', 'an object'), failure: 'bad-message-id' },
  { name: 'an empty message id', frame: '[2,"","Heartbeat",{}]', answer: unreadable('message id must be a non-empty string'), failure: 'bad-message-id' },
  { name: 'a 37-character message id', frame: call(ID_37, 'Heartbeat', {}), answer: framework(ID_37, 'at most 36 characters, got 37'), failure: 'message-id-too-long' },
  { name: 'a 36-character message id of astral characters (72 UTF-16 units)', frame: call(ID_36_ASTRAL, 'Heartbeat', {}), answer: heartbeatResult(ID_36_ASTRAL) },
  { name: 'a message id that is a lone surrogate escape', frame: '[2,"\\ud800","Heartbeat",{}]', answer: heartbeatResult('\ud800') },
  // Action.
  { name: 'a numeric action', frame: '[2,"an",42,{}]', answer: framework('an', 'action must be a non-empty string', 'number'), failure: 'bad-action' },
  { name: 'an empty action', frame: '[2,"ae","",{}]', answer: framework('ae', 'action must be a non-empty string'), failure: 'bad-action' },
  { name: 'a null action', frame: '[2,"anull",null,{}]', answer: framework('anull', 'action must be a non-empty string', 'null'), failure: 'bad-action' },
  { name: 'an unknown action', frame: call('fm', 'FlyToMoon', {}), answer: same(callError('fm', 'NotImplemented', ['FlyToMoon'])) },
  { name: 'an action named like an Object.prototype member', frame: call('proto', 'constructor', {}), answer: same(callError('proto', 'NotImplemented', ['constructor'])) },
  { name: 'an action in the wrong case', frame: call('case', 'heartbeat', {}), answer: same(callError('case', 'NotImplemented', ['heartbeat'])) },
  {
    name: 'an action only the CSMS may send',
    frame: perVersion(call('cs', 'RemoteStartTransaction', { idTag: 'TAG1' }), call('cs', 'RequestStartTransaction', { idToken: { idToken: 'TAG1', type: 'ISO14443' }, remoteStartId: 1 })),
    answer: {
      'ocpp1.6': callError('cs', 'NotSupported', ['RemoteStartTransaction', 'sent by the CSMS']),
      'ocpp2.0.1': callError('cs', 'NotSupported', ['RequestStartTransaction', 'sent by the CSMS']),
    },
  },
  // Payload shape.
  { name: 'a null payload', frame: '[2,"pn","Heartbeat",null]', answer: formatViolation('pn', 'Heartbeat payload must be a JSON object', 'null'), failure: 'payload-not-object' },
  { name: 'an array payload', frame: '[2,"pa","Heartbeat",[]]', answer: formatViolation('pa', 'Heartbeat payload must be a JSON object', 'an array'), failure: 'payload-not-object' },
  { name: 'a string payload', frame: '[2,"ps","Heartbeat","{}"]', answer: formatViolation('ps', 'Heartbeat payload must be a JSON object', 'string'), failure: 'payload-not-object' },
  // Schema violations.
  {
    name: 'BootNotification missing a required field',
    frame: perVersion(call('req', 'BootNotification', { chargePointVendor: 'Acme' }), call('req', 'BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme' } })),
    answer: schemaErrors('req', OCCURRENCE, BOOT_ACTION, perVersion('/chargePointModel', '/chargingStation/model'), 'required'),
  },
  {
    name: 'a field of the wrong type',
    frame: perVersion(
      call('typ', 'BootNotification', { ...BOOT16, chargePointModel: 42 }),
      call('typ', 'BootNotification', { ...BOOT201, chargingStation: { vendorName: 'Acme', model: 42 } }),
    ),
    answer: schemaErrors('typ', 'TypeConstraintViolation', BOOT_ACTION, perVersion('/chargePointModel', '/chargingStation/model'), 'type'),
  },
  {
    name: 'an over-long string',
    frame: perVersion(
      call('len', 'BootNotification', { ...BOOT16, chargePointSerialNumber: 'S'.repeat(26) }),
      call('len', 'BootNotification', { ...BOOT201, chargingStation: { ...BOOT201.chargingStation, serialNumber: 'S'.repeat(26) } }),
    ),
    answer: schemaErrors('len', 'PropertyConstraintViolation', BOOT_ACTION, perVersion('/chargePointSerialNumber', '/chargingStation/serialNumber'), 'maxLength'),
  },
  {
    name: 'an unknown enum value',
    frame: perVersion(call('enm', 'StatusNotification', { ...STATUS16, status: 'Flying' }), call('enm', 'BootNotification', { ...BOOT201, reason: 'Bored' })),
    answer: schemaErrors('enm', 'PropertyConstraintViolation', perVersion('StatusNotification', 'BootNotification'), perVersion('/status', '/reason'), 'enum'),
  },
  {
    name: 'an additional property',
    frame: perVersion(call('add', 'BootNotification', { ...BOOT16, colour: 'red' }), call('add', 'BootNotification', { ...BOOT201, colour: 'red' })),
    answer: schemaErrors('add', FORMAT, BOOT_ACTION, perVersion('/colour', '/colour'), 'additionalProperties'),
  },
  {
    name: 'a date-time that is not one ("yesterday")',
    frame: perVersion(call('dt', 'StatusNotification', { ...STATUS16, timestamp: 'yesterday' }), call('dt', 'StatusNotification', { ...STATUS201, timestamp: 'yesterday' })),
    answer: schemaErrors('dt', 'TypeConstraintViolation', STATUS_ACTION, perVersion('/timestamp', '/timestamp'), 'format'),
  },
  {
    name: 'a date-time without a zone',
    frame: perVersion(
      call('dtz', 'StatusNotification', { ...STATUS16, timestamp: '2025-01-01T10:00:00' }),
      call('dtz', 'StatusNotification', { ...STATUS201, timestamp: '2025-01-01T10:00:00' }),
    ),
    answer: schemaErrors('dtz', 'TypeConstraintViolation', STATUS_ACTION, perVersion('/timestamp', '/timestamp'), 'format'),
  },
  {
    name: 'a huge number (1e309) where an integer belongs',
    frame: perVersion(
      '[2,"big","StatusNotification",{"connectorId":1e309,"errorCode":"NoError","status":"Available"}]',
      '[2,"big","StatusNotification",{"timestamp":"2025-01-01T00:00:00Z","connectorStatus":"Available","evseId":1e309,"connectorId":1}]',
    ),
    answer: schemaErrors('big', 'TypeConstraintViolation', STATUS_ACTION, perVersion('/connectorId', '/evseId'), 'type'),
  },
  // Prototype pollution attempts: the keys are data, refused as undefined fields.
  {
    name: 'a __proto__ key in the payload',
    frame: perVersion(
      '[2,"pp","BootNotification",{"chargePointVendor":"Acme","chargePointModel":"AC22","__proto__":{"polluted":"yes"}}]',
      '[2,"pp","BootNotification",{"reason":"PowerUp","chargingStation":{"vendorName":"Acme","model":"DC150"},"__proto__":{"polluted":"yes"}}]',
    ),
    answer: schemaErrors('pp', FORMAT, BOOT_ACTION, perVersion('/__proto__', '/__proto__'), 'additionalProperties'),
  },
  {
    name: 'a constructor.prototype key in the payload',
    frame: perVersion(
      '[2,"ctor","BootNotification",{"chargePointVendor":"Acme","chargePointModel":"AC22","constructor":{"prototype":{"polluted":"yes"}}}]',
      '[2,"ctor","BootNotification",{"reason":"PowerUp","chargingStation":{"vendorName":"Acme","model":"DC150"},"constructor":{"prototype":{"polluted":"yes"}}}]',
    ),
    answer: schemaErrors('ctor', FORMAT, BOOT_ACTION, perVersion('/constructor', '/constructor'), 'additionalProperties'),
  },
  // Deep nesting must not take the process down.
  { name: `${DEPTH} unclosed [`, frame: '['.repeat(DEPTH), answer: unreadable('not valid JSON'), failure: 'invalid-json' },
  { name: `${DEPTH} nested arrays as the frame`, frame: deepArrays(DEPTH), answer: unreadable('message type must be a whole number', 'an array'), failure: 'bad-message-type' },
  {
    name: `${DEPTH} nested objects in a Heartbeat payload`,
    frame: `[2,"dobj","Heartbeat",{"a":${deepObjects(DEPTH)}}]`,
    answer: schemaErrors('dobj', FORMAT, perVersion('Heartbeat', 'Heartbeat'), perVersion('/a', '/a'), 'additionalProperties'),
  },
  {
    name: `${DEPTH} nested arrays as DataTransfer data`,
    frame: `[2,"darr","DataTransfer",{"vendorId":"Acme","data":${deepArrays(DEPTH)}}]`,
    answer: {
      // 1.6 data is a string; 2.0.1 data is anyType, so the handler gets it and answers.
      'ocpp1.6': schemaError('darr', 'TypeConstraintViolation', 'DataTransfer', '/data', 'type'),
      'ocpp2.0.1': { kind: 'result', id: 'darr', payload: { status: 'Accepted' }, handled: true },
    },
  },
  // Responses are never answered.
  { name: 'a CALLRESULT for a message id we never sent', frame: '[3,"never-sent-r",{"status":"Accepted"}]', answer: same(NONE), stray: true },
  { name: 'a CALLERROR for a message id we never sent', frame: '[4,"never-sent-e","GenericError","nope",{}]', answer: same(NONE), stray: true },
  { name: 'a CALLERROR with a numeric error code', frame: '[4,"bad-e1",42,"nope",{}]', answer: same(NONE), failure: 'bad-error-code' },
  { name: 'a CALLERROR with an empty error code', frame: '[4,"bad-e2","","nope",{}]', answer: same(NONE), failure: 'bad-error-code' },
  { name: 'a CALLERROR with a null description', frame: '[4,"bad-e3","GenericError",null,{}]', answer: same(NONE), failure: 'bad-error-description' },
  { name: 'a CALLERROR with array details', frame: '[4,"bad-e4","GenericError","nope",[]]', answer: same(NONE), failure: 'bad-error-details' },
  { name: 'a CALLERROR with 4 elements', frame: '[4,"bad-e5","GenericError","nope"]', answer: same(NONE), failure: 'wrong-arity' },
  { name: 'a CALLERROR without a message id', frame: '[4,null,"GenericError","nope",{}]', answer: same(NONE), failure: 'bad-message-id' },
  { name: 'a CALLRESULT with an array payload', frame: '[3,"bad-r1",[]]', answer: same(NONE), failure: 'payload-not-object' },
  { name: 'a CALLRESULT with 4 elements', frame: '[3,"bad-r2",{},{}]', answer: same(NONE), failure: 'wrong-arity' },
];

interface FatalRow {
  readonly name: string;
  readonly send: (client: RawOcppClient) => void;
  /** The RFC 6455 close code: what the gateway must report, and what a station sees on the ws engine. */
  readonly code: number;
  /**
   * Known uWS.js limitation, not a choice of ours: uWS checks UTF-8 and its own payload limit
   * (2x maxPayloadBytes in the uws engine) before JavaScript sees the frame and drops the TCP
   * connection without a close frame, so the station sees 1006. The gateway must still report
   * the real code (see the "reports ... as a protocol error" rows).
   */
  readonly uwsWireCode?: 1006;
}

const MAX_PAYLOAD_BYTES = 64 * 1024;
const oversized = (bytes: number): string => call('huge', 'DataTransfer', { vendorId: 'Acme', data: 'y'.repeat(bytes) });

const FATAL_ROWS: readonly FatalRow[] = [
  { name: 'a binary frame', send: (client) => client.socket.send(Buffer.from(call('bin', 'Heartbeat', {})), { binary: true }), code: 1003 },
  {
    name: 'invalid UTF-8 (0xFF) in a text frame',
    send: (client) => client.socket.send(Buffer.concat([Buffer.from('[2,"u8","DataTransfer",{"vendorId":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]')]), { binary: false }),
    code: 1007,
    uwsWireCode: 1006,
  },
  {
    name: 'a UTF-16 surrogate encoded as UTF-8 (CESU) in a text frame',
    send: (client) => client.socket.send(Buffer.concat([Buffer.from('[2,"u8s","DataTransfer",{"vendorId":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}]')]), { binary: false }),
    code: 1007,
    uwsWireCode: 1006,
  },
  {
    name: 'a truncated multi-byte UTF-8 sequence at the end of a text frame',
    send: (client) => client.socket.send(Buffer.concat([Buffer.from('[2,"u8t","Heartbeat",{}]'), Buffer.from([0xe2, 0x82])]), { binary: false }),
    code: 1007,
    uwsWireCode: 1006,
  },
  { name: 'a frame one byte above the size limit', send: (client) => client.send(oversized(MAX_PAYLOAD_BYTES + 1 - oversized(0).length)), code: 1009 },
  { name: 'a frame four times the size limit', send: (client) => client.send(oversized(4 * MAX_PAYLOAD_BYTES)), code: 1009, uwsWireCode: 1006 },
];

/** DataTransfer is answered by the handler in both versions; everything else as a minimal CSMS would. */
const handle: Parameters<typeof startTestGateway>[2] = (inbound) =>
  inbound.action === 'DataTransfer' ? { result: { status: 'Accepted' } } : cannedReply(inbound);

function frameOf(row: Row, version: OcppVersion): string {
  return typeof row.frame === 'string' ? row.frame : row.frame[version];
}

function expectedFrame(answer: Answer): unknown {
  switch (answer.kind) {
    case 'none':
      return undefined;
    case 'error':
      return [4, answer.id, answer.code, expect.any(String), answer.details];
    case 'result':
      return [3, answer.id, answer.payload];
  }
}

function pollutedPrototype(): unknown {
  return (Object.prototype as Record<string, unknown>).polluted ?? ({} as Record<string, unknown>).polluted;
}

describe.each(ENGINES)('hostile frames on the %s engine', (engine) => {
  let harness: TestGateway;
  const clients: RawOcppClient[] = [];
  let stationSeq = 0;

  async function connect(version: OcppVersion): Promise<{ client: RawOcppClient; stationId: string }> {
    stationSeq += 1;
    const stationId = `HF-${engine}-${version}-${stationSeq}`;
    const client = await RawOcppClient.connect(harness.url(stationId), { protocols: [version] });
    clients.push(client);
    expect(client.protocol).toBe(version);
    return { client, stationId };
  }

  /** A Heartbeat answered on the same socket: the connection survived whatever came before. */
  async function expectHeartbeatRoundTrip(client: RawOcppClient): Promise<unknown> {
    const reply = await client.call('hb-after', 'Heartbeat', {});
    expect(reply).toEqual([3, 'hb-after', { currentTime: expect.any(String) }]);
    return reply;
  }

  beforeAll(async () => {
    harness = await startTestGateway(engine, { maxPayloadBytes: MAX_PAYLOAD_BYTES }, handle);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.terminate();
  });

  afterAll(async () => {
    await harness?.close();
  });

  describe.each(VERSIONS)('%s', (version) => {
    it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
      const answer = row.answer[version];
      const { client } = await connect(version);
      const before = await harness.metrics.render();
      const callsBefore = harness.calls.length;

      client.send(frameOf(row, version));
      if (answer.kind !== 'none') {
        await client.until(() => client.received.length > 0, 3_000, `the answer to "${row.name}"`);
      }
      const heartbeat = await expectHeartbeatRoundTrip(client);

      // Exactly the expected answer (or none), then the Heartbeat's: nothing else, in this order.
      const expected = expectedFrame(answer);
      expect(client.received).toEqual(expected === undefined ? [heartbeat] : [expected, heartbeat]);
      if (answer.kind === 'error') {
        const description = (client.received[0] as unknown[])[3] as string;
        expect(description.trim().length).toBeGreaterThan(0);
        for (const mention of answer.mentions) expect(description).toContain(mention);
      }
      expect(client.closeCode).toBeUndefined();

      // Hostile frames never reach the handler; the handled rows reach it exactly once.
      expect(harness.calls.length - callsBefore).toBe(answer.kind === 'result' && answer.handled ? 1 : 0);
      expect(pollutedPrototype()).toBeUndefined();

      const after = await harness.metrics.render();
      const delta = (name: string, labels: Record<string, string> = {}): number => metricValue(after, name, labels) - metricValue(before, name, labels);
      expect(delta('ocpp_gateway_frame_failures_total')).toBe(row.failure ? 1 : 0);
      if (row.failure) expect(delta('ocpp_gateway_frame_failures_total', { reason: row.failure })).toBe(1);
      expect(delta('ocpp_gateway_callerrors_total', { direction: 'out' })).toBe(answer.kind === 'error' ? 1 : 0);
      if (answer.kind === 'error') expect(delta('ocpp_gateway_callerrors_total', { code: answer.code, direction: 'out' })).toBe(1);
      expect(delta('ocpp_gateway_stray_responses_total', { kind: 'unknown' })).toBe(row.stray ? 1 : 0);
    });

    /** Sends a fatal row after a Heartbeat round trip; resolves with the close the station saw and the offline event. */
    async function sendFatal(row: FatalRow): Promise<{ client: RawOcppClient; code: number; offline: StationOffline }> {
      const { client, stationId } = await connect(version);
      expect((await client.call('hb-before', 'Heartbeat', {}))[0]).toBe(3);
      row.send(client);
      const { code } = await client.closed;
      await client.until(() => harness.events.offlines(stationId).length === 1, 2_000, 'the offline event');
      return { client, code, offline: harness.events.offlines(stationId)[0]! };
    }

    const wireCode = (row: FatalRow): number => (engine === 'uws' ? (row.uwsWireCode ?? row.code) : row.code);

    it.each(FATAL_ROWS.map((row) => [row.name, wireCode(row), row] as const))('closes the socket on %s: the station sees close code %i', async (_name, expected, row) => {
      const { client, code } = await sendFatal(row);
      expect(code).toBe(expected);
      // Nothing was answered, and the gateway still serves stations.
      expect(client.received).toEqual([[3, 'hb-before', { currentTime: expect.any(String) }]]);
      const { client: next } = await connect(version);
      await expectHeartbeatRoundTrip(next);
    });

    it.each(FATAL_ROWS.map((row) => [row.name, row] as const))('reports %s as a protocol error (offline event and disconnect counter)', async (_name, row) => {
      const before = metricValue(await harness.metrics.render(), 'ocpp_gateway_disconnects_total', { reason: 'protocol-error' });
      const { offline } = await sendFatal(row);
      expect({ reason: offline.reason, closeCode: offline.closeCode }).toEqual({ reason: 'protocol-error', closeCode: row.code });
      expect(metricValue(await harness.metrics.render(), 'ocpp_gateway_disconnects_total', { reason: 'protocol-error' }) - before).toBe(1);
    });
  });

  describe('counters', () => {
    it('counts frame failures by reason and outgoing CALLERRORs by the version spelling of their code', async () => {
      const before = await harness.metrics.render();
      const { client: v16 } = await connect('ocpp1.6');
      const { client: v201 } = await connect('ocpp2.0.1');
      for (const client of [v16, v201]) {
        client.send('[2,"x","Heartbeat",{}');
        client.send('{}');
        client.send('[2,"a3","Heartbeat"]');
        client.send(call('bad', 'BootNotification', {}));
      }
      await expectHeartbeatRoundTrip(v16);
      await expectHeartbeatRoundTrip(v201);
      const after = await harness.metrics.render();
      const delta = (name: string, labels: Record<string, string>): number => metricValue(after, name, labels) - metricValue(before, name, labels);

      expect(delta('ocpp_gateway_frame_failures_total', { reason: 'invalid-json' })).toBe(2);
      expect(delta('ocpp_gateway_frame_failures_total', { reason: 'not-an-array' })).toBe(2);
      expect(delta('ocpp_gateway_frame_failures_total', { reason: 'wrong-arity' })).toBe(2);
      // 1.6: no answer to the two unreadable frames, FormationViolation for the arity.
      expect(delta('ocpp_gateway_callerrors_total', { code: 'FormationViolation', direction: 'out' })).toBe(1);
      expect(delta('ocpp_gateway_callerrors_total', { code: 'OccurenceConstraintViolation', direction: 'out' })).toBe(1);
      // 2.0.1: "-1" answers to the unreadable frames, plus the arity.
      expect(delta('ocpp_gateway_callerrors_total', { code: 'RpcFrameworkError', direction: 'out' })).toBe(3);
      expect(delta('ocpp_gateway_callerrors_total', { code: 'OccurrenceConstraintViolation', direction: 'out' })).toBe(1);
      expect(v16.received.filter((frame) => Array.isArray(frame) && frame[0] === 4)).toHaveLength(2);
      expect(v201.received.filter((frame) => Array.isArray(frame) && frame[0] === 4)).toHaveLength(4);
      expect(delta('ocpp_gateway_messages_total', { action: 'BootNotification', direction: 'in', type: 'call', outcome: 'rejected' })).toBe(2);
    });

    it('keeps metric labels bounded: action names a station makes up do not become label values', async () => {
      const { client } = await connect('ocpp1.6');
      const rejectedBefore = metricValue(await harness.metrics.render(), 'ocpp_gateway_messages_total', { direction: 'in', type: 'call', outcome: 'rejected' });
      const madeUp = ['FlyToMoon', 'Zz-0001', 'Zz-0002', 'Zz-0003', 'A'.repeat(2_000)];
      for (const [index, action] of madeUp.entries()) {
        expect(await client.call(`mu${index}`, action, {})).toEqual([4, `mu${index}`, 'NotImplemented', expect.stringContaining(action.slice(0, 20)), {}]);
      }
      const text = await harness.metrics.render();
      const labelled = new Set(samplesOf(text, 'ocpp_gateway_messages_total').map((sample) => sample.labels.action));
      const leaked = madeUp.filter((action) => labelled.has(action)).map((action) => (action.length > 24 ? `${action.slice(0, 24)}… (${action.length} chars)` : action));
      expect(leaked).toEqual([]);
      // The refusals are still counted, under one bounded label value.
      expect(metricValue(text, 'ocpp_gateway_messages_total', { direction: 'in', type: 'call', outcome: 'rejected' }) - rejectedBefore).toBe(madeUp.length);
    });

    it('keeps metric labels bounded: error codes a station makes up do not become label values', async () => {
      const { client, stationId } = await connect('ocpp2.0.1');
      const pending = harness.gateway.call(stationId, 'Reset', { type: 'Immediate' });
      const [, messageId] = await client.expectCall('Reset');
      client.sendFrame([4, messageId, 'MadeUpCode-7f3a', 'whatever', {}]);
      await expect(pending).resolves.toEqual({ status: 'error', errorCode: 'MadeUpCode-7f3a', errorDescription: 'whatever', errorDetails: {} });
      const text = await harness.metrics.render();
      // Counted once, under a label value from a fixed set rather than whatever the station sent.
      expect(metricValue(text, 'ocpp_gateway_callerrors_total', { direction: 'in' })).toBe(1);
      const codes = samplesOf(text, 'ocpp_gateway_callerrors_total', { direction: 'in' }).map((sample) => sample.labels.code);
      expect(codes).not.toContain('MadeUpCode-7f3a');
    });
  });
});
