/** The normalised connector status, the 2.0.1 ConnectorStatusEnumType. */
export type ConnectorStatus = 'Available' | 'Occupied' | 'Reserved' | 'Unavailable' | 'Faulted';

/** 1.6 ChargePointStatus -> normalised; the 1.6 detail stays in ocpp_status. */
export function connectorStatusOf16(status: string): ConnectorStatus {
  switch (status) {
    case 'Available':
    case 'Reserved':
    case 'Unavailable':
    case 'Faulted':
      return status;
    default:
      // Preparing, Charging, SuspendedEV, SuspendedEVSE, Finishing: something is plugged in.
      return 'Occupied';
  }
}
