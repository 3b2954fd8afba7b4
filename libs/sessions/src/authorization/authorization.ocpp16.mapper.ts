import type { StationCallEnvelope } from '@evcsms/contracts';
import type { Ocpp16RequestMap, Ocpp16ResponseMap } from '@evcsms/ocpp';
import type { AuthorizationDecision } from '../domain/authorization';
import { parseOcppTime } from '../domain/invalid-payload.error';
import type { AuthorizeCommand } from './authorize.command';

export type IdTagInfo16 = Ocpp16ResponseMap['Authorize']['idTagInfo'];

/** OCPP 1.6 <-> the authorization domain. */
export const ocpp16Authorization = {
  authorize(envelope: StationCallEnvelope): AuthorizeCommand {
    const payload = envelope.payload as unknown as Ocpp16RequestMap['Authorize'];
    return {
      stationId: envelope.stationId,
      protocol: envelope.protocol,
      // A 1.6 idTag has no type: any stored type matches, ISO14443 first.
      token: { idToken: payload.idTag, type: null },
      receivedAt: parseOcppTime(envelope.receivedAt, 'receivedAt'),
    };
  },

  idTagInfo(decision: AuthorizationDecision): IdTagInfo16 {
    const info: IdTagInfo16 = { status: decision.status };
    if (decision.expiresAt) info.expiryDate = decision.expiresAt.toISOString();
    if (decision.groupIdToken) info.parentIdTag = decision.groupIdToken;
    return info;
  },

  authorizeResponse(decision: AuthorizationDecision): Ocpp16ResponseMap['Authorize'] {
    return { idTagInfo: ocpp16Authorization.idTagInfo(decision) };
  },
};
