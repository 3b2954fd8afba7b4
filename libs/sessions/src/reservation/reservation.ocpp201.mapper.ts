import type { StationCallEnvelope } from '@evcsms/contracts';
import type { Ocpp201RequestMap } from '@evcsms/ocpp';
import type { ReservationStatusUpdateCommand } from './reservation-status-update.command';

/** OCPP 2.0.1 <-> the reservation domain (1.6 stations report nothing about reservations). */
export const ocpp201Reservation = {
  reservationStatusUpdate(envelope: StationCallEnvelope): ReservationStatusUpdateCommand {
    const payload = envelope.payload as unknown as Ocpp201RequestMap['ReservationStatusUpdate'];
    return {
      stationId: envelope.stationId,
      reservationId: payload.reservationId,
      status: payload.reservationUpdateStatus === 'Expired' ? 'Expired' : 'Cancelled',
    };
  },
};
