/** OCPP-J versions this library speaks; the value doubles as the WebSocket subprotocol name. */
export type OcppVersion = 'ocpp1.6' | 'ocpp2.0.1';

export const SUPPORTED_OCPP_VERSIONS: readonly OcppVersion[] = Object.freeze(['ocpp1.6', 'ocpp2.0.1']);

/** Which side of the connection may send a CALL for an action. */
export type Sender = 'ChargingStation' | 'CSMS' | 'Both';

/** A message direction inside one action: the CALL payload or the CALLRESULT payload. */
export type PayloadDirection = 'request' | 'response';

export function isSupportedOcppVersion(value: unknown): value is OcppVersion {
  return typeof value === 'string' && (SUPPORTED_OCPP_VERSIONS as readonly string[]).includes(value);
}
