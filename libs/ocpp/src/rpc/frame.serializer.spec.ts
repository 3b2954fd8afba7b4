import { parseFrame } from './frame.parser';
import { serializeCall, serializeCallError, serializeCallResult } from './frame.serializer';

describe('frame serializers', () => {
  it('write the OCPP-J arrays', () => {
    expect(serializeCall('42', 'Heartbeat', {})).toBe('[2,"42","Heartbeat",{}]');
    expect(serializeCallResult('42', { currentTime: '2025-03-14T09:26:53Z' })).toBe('[3,"42",{"currentTime":"2025-03-14T09:26:53Z"}]');
  });

  it('spell the error code for the peer: FormationViolation to 1.6, FormatViolation to 2.0.1', () => {
    expect(serializeCallError('ocpp1.6', '42', 'FormatViolation', 'bad')).toBe('[4,"42","FormationViolation","bad",{}]');
    expect(serializeCallError('ocpp2.0.1', '42', 'FormatViolation', 'bad')).toBe('[4,"42","FormatViolation","bad",{}]');
    expect(serializeCallError('ocpp1.6', '42', 'OccurrenceConstraintViolation', 'x', { errors: [] })).toBe(
      '[4,"42","OccurenceConstraintViolation","x",{"errors":[]}]',
    );
  });

  it('a 2.0.1 CALLERROR description stays within the 255 characters the spec allows', () => {
    const text = serializeCallError('ocpp2.0.1', '1', 'GenericError', 'y'.repeat(1000));
    const parsed = parseFrame(text, 'ocpp2.0.1');
    expect(parsed.ok && parsed.frame.type === 4 && parsed.frame.errorDescription.length).toBe(255);
    const longFor16 = parseFrame(serializeCallError('ocpp1.6', '1', 'GenericError', 'y'.repeat(1000)), 'ocpp1.6');
    expect(longFor16.ok && longFor16.frame.type === 4 && longFor16.frame.errorDescription.length).toBe(1000);
  });

  it('does not split an emoji when cutting a description', () => {
    const text = serializeCallError('ocpp2.0.1', '1', 'GenericError', `${'y'.repeat(253)}🔌🔌`);
    const parsed = parseFrame(text, 'ocpp2.0.1');
    expect(parsed.ok && parsed.frame.type === 4 && parsed.frame.errorDescription).toBe(`${'y'.repeat(253)}…`);
  });

  it('refuse to write a payload that is not an object: that would be a protocol violation of ours', () => {
    expect(() => serializeCall('1', 'Heartbeat', null)).toThrow(TypeError);
    expect(() => serializeCall('1', 'Heartbeat', [])).toThrow(TypeError);
    expect(() => serializeCallResult('1', 'ok')).toThrow(TypeError);
  });
});
