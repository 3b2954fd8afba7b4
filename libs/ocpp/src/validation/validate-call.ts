import { type LeniencyProfile } from '../leniency/leniency-profile';
import { type CallFrame } from '../rpc/frame.types';
import { type OcppVersion } from '../versions/ocpp-version';
import { senderOf } from './action-sender';
import { getValidator, type ValidationResult } from './ocpp.validator';

export interface ValidateCallOptions {
  /** Who sent the CALL: a CSMS receives from 'ChargingStation', a simulated station from 'CSMS'. */
  from: 'ChargingStation' | 'CSMS';
  leniency?: LeniencyProfile;
}

/**
 * Everything a receiver checks on an inbound CALL after framing: the action exists in the version
 * (else NotImplemented), the sender may send it (else NotSupported), the payload fits the schema.
 */
export function validateCall(version: OcppVersion, frame: CallFrame, options: ValidateCallOptions): ValidationResult {
  const validator = getValidator(version);
  const sender = senderOf(version, frame.action);
  if (sender !== undefined && sender !== 'Both' && sender !== options.from) {
    return {
      ok: false,
      kind: 'NotSupported',
      description: `${frame.action} is sent by the ${sender === 'CSMS' ? 'CSMS' : 'charging station'}, not by the ${
        options.from === 'CSMS' ? 'CSMS' : 'charging station'
      }`,
      details: { action: frame.action, sender },
    };
  }
  return validator.validateRequest(frame.action, frame.payload, options.leniency);
}
