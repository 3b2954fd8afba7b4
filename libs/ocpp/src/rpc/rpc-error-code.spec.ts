import { ocppErrorCode, ocppErrorKind } from './rpc-error-code';
import { RPC_ERROR_KINDS, type RpcErrorKind } from './rpc-error-kind';

describe('RPC error codes, spelled per version', () => {
  const TABLE: [RpcErrorKind, string, string][] = [
    ['FormatViolation', 'FormationViolation', 'FormatViolation'],
    ['GenericError', 'GenericError', 'GenericError'],
    ['InternalError', 'InternalError', 'InternalError'],
    ['MessageTypeNotSupported', 'GenericError', 'MessageTypeNotSupported'],
    ['NotImplemented', 'NotImplemented', 'NotImplemented'],
    ['NotSupported', 'NotSupported', 'NotSupported'],
    ['OccurrenceConstraintViolation', 'OccurenceConstraintViolation', 'OccurrenceConstraintViolation'],
    ['PropertyConstraintViolation', 'PropertyConstraintViolation', 'PropertyConstraintViolation'],
    ['ProtocolError', 'ProtocolError', 'ProtocolError'],
    ['RpcFrameworkError', 'FormationViolation', 'RpcFrameworkError'],
    ['SecurityError', 'SecurityError', 'SecurityError'],
    ['TypeConstraintViolation', 'TypeConstraintViolation', 'TypeConstraintViolation'],
  ];

  it.each(TABLE)('%s is "%s" to a 1.6 peer and "%s" to a 2.0.1 peer', (kind, code16, code201) => {
    expect(ocppErrorCode('ocpp1.6', kind)).toBe(code16);
    expect(ocppErrorCode('ocpp2.0.1', kind)).toBe(code201);
  });

  it('the table covers every kind', () => {
    expect(TABLE.map(([kind]) => kind).sort()).toEqual([...RPC_ERROR_KINDS].sort());
  });

  it('1.6 only sends codes the OCPP-J 1.6 specification lists', () => {
    const spec16 = [
      'NotImplemented',
      'NotSupported',
      'InternalError',
      'ProtocolError',
      'SecurityError',
      'FormationViolation',
      'PropertyConstraintViolation',
      'OccurenceConstraintViolation',
      'TypeConstraintViolation',
      'GenericError',
    ];
    for (const kind of RPC_ERROR_KINDS) expect(spec16).toContain(ocppErrorCode('ocpp1.6', kind));
  });

  it('reads an inbound code back to its kind, in either spelling', () => {
    expect(ocppErrorKind('ocpp1.6', 'FormationViolation')).toBe('FormatViolation');
    expect(ocppErrorKind('ocpp1.6', 'FormatViolation')).toBe('FormatViolation');
    expect(ocppErrorKind('ocpp1.6', 'OccurenceConstraintViolation')).toBe('OccurrenceConstraintViolation');
    expect(ocppErrorKind('ocpp1.6', 'OccurrenceConstraintViolation')).toBe('OccurrenceConstraintViolation');
    expect(ocppErrorKind('ocpp1.6', 'GenericError')).toBe('GenericError');
    expect(ocppErrorKind('ocpp2.0.1', 'FormationViolation')).toBe('FormatViolation');
    expect(ocppErrorKind('ocpp2.0.1', 'RpcFrameworkError')).toBe('RpcFrameworkError');
    for (const kind of RPC_ERROR_KINDS) expect(ocppErrorKind('ocpp2.0.1', ocppErrorCode('ocpp2.0.1', kind))).toBe(kind);
  });

  it('does not invent a kind for codes nobody defines', () => {
    expect(ocppErrorKind('ocpp2.0.1', 'Kaputt')).toBeUndefined();
    expect(ocppErrorKind('ocpp1.6', 'toString')).toBeUndefined();
    expect(ocppErrorKind('ocpp1.6', '__proto__')).toBeUndefined();
  });
});
