import type { StationCallEnvelope } from '@evcsms/contracts';
import type { Ocpp201, Ocpp201RequestMap, Ocpp201ResponseMap } from '@evcsms/ocpp';
import type { AuthorizationDecision, IdTokenRef } from '../domain/authorization';
import { parseOcppTime } from '../domain/invalid-payload.error';
import type { AuthorizeCommand } from './authorize.command';

/** OCPP 2.0.1 <-> the authorization domain. */
export const ocpp201Authorization = {
  tokenRef(idToken: Ocpp201.IdTokenType): IdTokenRef {
    return { idToken: idToken.idToken, type: idToken.type };
  },

  authorize(envelope: StationCallEnvelope): AuthorizeCommand {
    const payload = envelope.payload as unknown as Ocpp201RequestMap['Authorize'];
    return {
      stationId: envelope.stationId,
      protocol: envelope.protocol,
      token: ocpp201Authorization.tokenRef(payload.idToken),
      receivedAt: parseOcppTime(envelope.receivedAt, 'receivedAt'),
    };
  },

  idTokenInfo(decision: AuthorizationDecision): Ocpp201.IdTokenInfoType {
    const info: Ocpp201.IdTokenInfoType = { status: decision.status };
    if (decision.expiresAt) info.cacheExpiryDateTime = decision.expiresAt.toISOString();
    // Group tokens are stored by value only; the CSMS issued them, hence Central.
    if (decision.groupIdToken) info.groupIdToken = { idToken: decision.groupIdToken, type: 'Central' };
    return info;
  },

  authorizeResponse(decision: AuthorizationDecision): Ocpp201ResponseMap['Authorize'] {
    return { idTokenInfo: ocpp201Authorization.idTokenInfo(decision) };
  },
};
