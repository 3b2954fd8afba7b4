import Ajv from 'ajv';
import fc from 'fast-check';
import { type OcppVersion } from '../versions/ocpp-version';
import { parseFrame } from './frame.parser';
import { serializeCall } from './frame.serializer';

const VERSIONS: OcppVersion[] = ['ocpp1.6', 'ocpp2.0.1'];

/** An independent definition of a well-formed OCPP-J frame, as a JSON schema. */
const messageId = { type: 'string', minLength: 1, maxLength: 36 };
const isWellFormedFrame = new Ajv({ strictTuples: false }).compile({
  oneOf: [
    { type: 'array', minItems: 4, maxItems: 4, items: [{ const: 2 }, messageId, { type: 'string', minLength: 1 }, { type: 'object' }] },
    { type: 'array', minItems: 3, maxItems: 3, items: [{ const: 3 }, messageId, { type: 'object' }] },
    {
      type: 'array',
      minItems: 5,
      maxItems: 5,
      items: [{ const: 4 }, messageId, { type: 'string', minLength: 1 }, { type: 'string' }, { type: 'object' }],
    },
  ],
});

const json = fc.jsonValue({ maxDepth: 3 });
const dictionary = fc.dictionary(fc.string(), json, { maxKeys: 6 });

/** Frames that are nearly right: each part usually plausible, sometimes arbitrary. */
const mostly = <A, B>(likely: fc.Arbitrary<A>, other: fc.Arbitrary<B>): fc.Arbitrary<A | B> =>
  fc.oneof({ arbitrary: likely, weight: 5 }, { arbitrary: other, weight: 1 });
const frameLike = fc
  .tuple(
    mostly(fc.constantFrom(2, 3, 4), fc.oneof(fc.integer({ min: -1, max: 7 }), fc.double(), json)),
    mostly(fc.uuid(), fc.oneof(fc.string({ maxLength: 40 }), json)),
    mostly(fc.constantFrom('Heartbeat', 'BootNotification', 'GenericError', '__proto__'), json),
    mostly(dictionary, json),
    mostly(fc.string(), json),
    dictionary,
  )
  .chain((parts) =>
    mostly(fc.constantFrom(3, 4, 5), fc.integer({ min: 0, max: parts.length })).map((length) => parts.slice(0, length)),
  );

const validCall = fc.record({
  messageId: fc.string({ unit: 'binary', minLength: 1, maxLength: 36 }),
  action: fc.string({ minLength: 1, maxLength: 40 }),
  payload: fc.dictionary(fc.string({ unit: 'binary' }), json, { maxKeys: 6 }),
});

describe('parseFrame under fuzzing', () => {
  it.each(VERSIONS)('%s: never throws on arbitrary text, including lone surrogates and control characters', (version) => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string()), (text) => {
        parseFrame(text, version);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(VERSIONS)('%s: never throws on arbitrary JSON values', (version) => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        parseFrame(JSON.stringify(value) ?? 'undefined', version);
      }),
      { numRuns: 1000 },
    );
  });

  it.each(VERSIONS)('%s: accepts exactly the well-formed frames', (version) => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(frameLike, json), (value) => {
        const result = parseFrame(JSON.stringify(value) ?? '', version);
        expect(result.ok).toBe(isWellFormedFrame(value));
        if (result.ok) accepted++;
      }),
      // About 3% of generated values are well-formed frames: 5,000 runs keep the accepting side
      // well above the floor below (2,000 runs once produced only 48).
      { numRuns: 5000 },
    );
    // The generator must reach the accepting side too, or the property proves little.
    expect(accepted).toBeGreaterThan(50);
  });

  it('every CALL it accepts comes back unchanged through serializeCall', () => {
    let calls = 0;
    fc.assert(
      fc.property(fc.oneof(frameLike, validCall.map(({ messageId, action, payload }) => [2, messageId, action, payload])), (value) => {
        const first = parseFrame(JSON.stringify(value), 'ocpp2.0.1');
        if (!first.ok || first.frame.type !== 2) return;
        calls++;
        const text = serializeCall(first.frame.messageId, first.frame.action, first.frame.payload);
        const second = parseFrame(text, 'ocpp2.0.1');
        expect(second.ok).toBe(true);
        if (!second.ok || second.frame.type !== 2) return;
        expect(second.frame.messageId).toBe(first.frame.messageId);
        expect(second.frame.action).toBe(first.frame.action);
        expect(serializeCall(second.frame.messageId, second.frame.action, second.frame.payload)).toBe(text);
      }),
      { numRuns: 1000 },
    );
    expect(calls).toBeGreaterThan(300);
  });

  it('every valid CALL we write parses back to the same frame', () => {
    fc.assert(
      fc.property(validCall, ({ messageId, action, payload }) => {
        const result = parseFrame(serializeCall(messageId, action, payload), 'ocpp1.6');
        expect(result).toMatchObject({ ok: true, frame: { type: 2, messageId, action } });
        expect(result.ok && result.frame.type === 2 && JSON.stringify(result.frame.payload)).toBe(JSON.stringify(payload));
      }),
      { numRuns: 500 },
    );
  });
});
