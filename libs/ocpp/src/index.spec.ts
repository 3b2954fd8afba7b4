import {
  callErrorReplyId,
  findLeniencyProfile,
  getValidator,
  MessageType,
  type Ocpp16,
  type Ocpp16RequestMap,
  type Ocpp201ResponseMap,
  OCPP16_ACTIONS,
  OCPP201_ACTIONS,
  ocppErrorCode,
  parseFrame,
  senderOf,
  serializeCall,
  serializeCallError,
  serializeCallResult,
  SUPPORTED_OCPP_VERSIONS,
  validateCall,
} from './index';

/** How the gateway uses the library: every step through the public entry point (index.ts) only. */
function handleInbound(text: string, version: 'ocpp1.6' | 'ocpp2.0.1'): string | null {
  const parsed = parseFrame(text, version);
  if (!parsed.ok) {
    const replyId = callErrorReplyId(version, parsed.failure);
    return replyId === null ? null : serializeCallError(version, replyId, parsed.failure.kind, parsed.failure.description);
  }
  if (parsed.frame.type !== MessageType.CALL) return null;
  const result = validateCall(version, parsed.frame, { from: 'ChargingStation' });
  if (!result.ok) return serializeCallError(version, parsed.frame.messageId, result.kind, result.description, result.details);
  return serializeCallResult(parsed.frame.messageId, { currentTime: '2025-03-14T09:26:53Z' });
}

describe('the public entry point', () => {
  it('a 2.0.1 station with a garbled message id is told so under id "-1"', () => {
    expect(handleInbound('[2,42,"Heartbeat",{}]', 'ocpp2.0.1')).toBe(
      '[4,"-1","RpcFrameworkError","message id must be a non-empty string, got number",{}]',
    );
  });

  it('a 1.6 station with a garbled message id gets no answer: there is no id to answer to', () => {
    expect(handleInbound('[2,42,"Heartbeat",{}]', 'ocpp1.6')).toBeNull();
  });

  it('a 1.6 station that forgets its model is told in 1.6 spelling, with the field named', () => {
    const reply = handleInbound('[2,"b1","BootNotification",{"chargePointVendor":"Acme"}]', 'ocpp1.6');
    expect(JSON.parse(reply ?? 'null')).toEqual([
      4,
      'b1',
      'OccurenceConstraintViolation',
      'BootNotification request: /chargePointModel is required (required)',
      { errors: [{ path: '/chargePointModel', rule: 'required', message: 'is required' }] },
    ]);
  });

  it('a heartbeat is answered', () => {
    expect(handleInbound('[2,"h1","Heartbeat",{}]', 'ocpp2.0.1')).toBe('[3,"h1",{"currentTime":"2025-03-14T09:26:53Z"}]');
  });

  it('exports what other modules build on', () => {
    expect(SUPPORTED_OCPP_VERSIONS).toEqual(['ocpp1.6', 'ocpp2.0.1']);
    expect(OCPP16_ACTIONS).toHaveLength(39);
    expect(OCPP201_ACTIONS).toHaveLength(64);
    expect(ocppErrorCode('ocpp1.6', 'FormatViolation')).toBe('FormationViolation');
    expect(senderOf('ocpp2.0.1', 'TransactionEvent')).toBe('ChargingStation');
    expect(getValidator('ocpp1.6').hasAction('BootNotification')).toBe(true);
    expect(findLeniencyProfile([], 'Acme')).toBeUndefined();
    const boot: Ocpp16RequestMap['BootNotification'] = { chargePointVendor: 'Acme', chargePointModel: 'Wallbox' };
    const status: Ocpp16.StatusNotificationRequest['status'] = 'Charging';
    const heartbeat: Ocpp201ResponseMap['Heartbeat'] = { currentTime: '2025-03-14T09:26:53Z' };
    expect(serializeCall('1', 'BootNotification', boot)).toBe('[2,"1","BootNotification",{"chargePointVendor":"Acme","chargePointModel":"Wallbox"}]');
    expect([status, heartbeat.currentTime]).toEqual(['Charging', '2025-03-14T09:26:53Z']);
  });
});
