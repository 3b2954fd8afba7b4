/**
 * How billing reaches a station: the CommandRouter of libs/routing fits as it is. Optional: a
 * billing service without it prices sessions all the same and tells no station.
 */
export interface StationCommandPort {
  send(stationId: string, action: string, payload: Record<string, unknown>, options?: { readonly timeoutMs?: number }): Promise<unknown>;
}

/** What a 2.0.1 station is told about a running transaction (OCPP 2.0.1 CostUpdated). */
export interface CostUpdate {
  readonly stationId: string;
  readonly transactionId: string;
  /** Incl. VAT, major units, exactly the decimal the CSMS computed. */
  readonly totalCost: number;
}
