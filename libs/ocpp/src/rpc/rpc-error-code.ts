import { type OcppVersion } from '../versions/ocpp-version';
import { descriptorOf, requireDescriptor } from '../versions/version-registry';
import { RPC_ERROR_KINDS, type RpcErrorKind } from './rpc-error-kind';

/** The wire spelling of an error kind in a version (1.6: "FormationViolation", 2.0.1: "FormatViolation"). */
export function ocppErrorCode(version: OcppVersion, kind: RpcErrorKind): string {
  return requireDescriptor(version).errorCodes[kind];
}

/**
 * The kind behind an inbound errorCode, accepting the other known spellings; undefined for codes
 * the version does not define (a peer's CALLERROR is still delivered, only its kind is unknown).
 */
export function ocppErrorKind(version: OcppVersion, errorCode: string): RpcErrorKind | undefined {
  const descriptor = descriptorOf(version);
  if (!descriptor) return undefined;
  const { errorCodes, errorCodeAliases } = descriptor;
  // Where a version spells two kinds alike (1.6: FormatViolation and RpcFrameworkError are both
  // "FormationViolation"), the alphabetical kind list yields the version's own kind first.
  const spelled = RPC_ERROR_KINDS.find((kind) => errorCodes[kind] === errorCode);
  if (spelled) return spelled;
  return Object.prototype.hasOwnProperty.call(errorCodeAliases, errorCode) ? errorCodeAliases[errorCode] : undefined;
}
