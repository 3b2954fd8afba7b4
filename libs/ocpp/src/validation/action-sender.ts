import { type OcppVersion, type Sender } from '../versions/ocpp-version';
import { descriptorOf } from '../versions/version-registry';

/** Which side may send an action's CALL; undefined for an action the version does not define. */
export function senderOf(version: OcppVersion, action: string): Sender | undefined {
  const senders = descriptorOf(version)?.senders;
  return senders && Object.prototype.hasOwnProperty.call(senders, action) ? senders[action] : undefined;
}
