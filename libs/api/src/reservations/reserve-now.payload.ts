import type { OcppVersion } from '@evcsms/ocpp';
import { badRequest } from '../http/problem';

/** The token as registered (if it is): its type and group go to the station with the reservation. */
export interface RegisteredToken {
  readonly type: string;
  readonly groupIdToken: string | null;
}

export interface ReservationRequest {
  readonly id: number;
  readonly evseId: number | null;
  readonly connectorId: number | null;
  readonly connectorType?: string;
  readonly idToken: string;
  readonly idTokenType?: string;
  readonly expiresAt: Date;
}

/**
 * ReserveNow for the station's version. The token goes as registered, with its group: a station
 * that holds the reservation for a group member must know the group (1.6 parentIdTag, 2.0.1
 * groupIdToken). An unregistered token without a type is Central, as for remote start.
 */
export function reserveNowPayload(protocol: OcppVersion, request: ReservationRequest, registered: RegisteredToken | null): Record<string, unknown> {
  const group = registered?.groupIdToken ?? null;
  if (protocol === 'ocpp1.6') {
    if (request.connectorType !== undefined) throw badRequest('connectorType is OCPP 2.0.1 only; a 1.6 station reserves by connectorId');
    return {
      connectorId: request.evseId ?? request.connectorId ?? 0,
      expiryDate: request.expiresAt.toISOString(),
      idTag: request.idToken,
      ...(group !== null ? { parentIdTag: group } : {}),
      reservationId: request.id,
    };
  }
  return {
    id: request.id,
    expiryDateTime: request.expiresAt.toISOString(),
    idToken: { idToken: request.idToken, type: request.idTokenType ?? registered?.type ?? 'Central' },
    // Group tokens are stored by value only; the CSMS issued them, hence Central.
    ...(group !== null ? { groupIdToken: { idToken: group, type: 'Central' } } : {}),
    ...(request.evseId !== null ? { evseId: request.evseId } : {}),
    ...(request.connectorType !== undefined ? { connectorType: request.connectorType } : {}),
  };
}
