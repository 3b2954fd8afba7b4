import { badRequest } from '../http/problem';

/**
 * The station message a TriggerMessage makes the station send: the name asked for, except the
 * 2.0.1 certificate triggers, which all make it send SignCertificate.
 */
export function triggeredAction(requestedMessage: string): string {
  return /^Sign\w*Certificate$/.test(requestedMessage) ? 'SignCertificate' : requestedMessage;
}

/**
 * Station messages this CSMS answers with a refusal: SignCertificate needs a certificate
 * authority the CSMS does not have, so the sessions service answers it Rejected. Triggering one
 * only makes the station send a request bound to fail.
 */
export const REFUSED_STATION_MESSAGES: ReadonlySet<string> = new Set(['SignCertificate']);

/** Refuses, before anything is sent, a trigger whose resulting message the CSMS would refuse. */
export function refuseRefusedTrigger(requestedMessage: string, field = 'body.message'): void {
  const action = triggeredAction(requestedMessage);
  if (!REFUSED_STATION_MESSAGES.has(action)) return;
  const reason = `${requestedMessage} would make the station send ${action}, which this CSMS refuses (it has no certificate authority)`;
  throw badRequest(reason, { errors: [{ path: field, message: `${action} is refused by this CSMS` }] });
}
