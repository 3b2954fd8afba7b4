import type { CurrencyCode } from '../money/currency';
import type { Price } from '../money/money';
import type { ChargingPeriod } from '../pricing/charging-period.model';

/**
 * A charge detail record: what one session cost, in the shape of an OCPI 2.2.1 CDR (camelCase
 * envelope per our API contract, OCPI shapes inside). Deep-frozen once issued; a mistake is
 * fixed by a credit record and a new debit record (correctionOf), never by editing.
 */
export interface Cdr {
  readonly id: string;
  readonly sessionId: string;
  readonly stationId: string;
  readonly siteId: string | null;
  readonly evseId: number | null;
  readonly connectorId: number | null;
  readonly tokenUid: string;
  readonly tokenGroup: string | null;
  readonly currency: CurrencyCode;
  readonly startDateTime: string;
  readonly endDateTime: string;
  readonly totalEnergyWh: bigint;
  readonly totalTimeMs: bigint;
  readonly totalParkingTimeMs: bigint;
  readonly totalCost: Price;
  readonly totalEnergyCost: Price;
  readonly totalTimeCost: Price;
  readonly totalParkingCost: Price;
  readonly totalFixedCost: Price;
  readonly priceLimitAdjustment: Price;
  readonly chargingPeriods: readonly ChargingPeriod[];
  /** The tariff versions the periods refer to. */
  readonly tariffs: readonly { readonly id: string; readonly version: number }[];
  /** OCPI credit: amounts and volumes are the original's, negated. */
  readonly credit: boolean;
  /** OCPI credit_reference_id: the CDR a credit cancels. */
  readonly creditReferenceId: string | null;
  /** Extension: the CDR this debit replaces (after its credit). */
  readonly replacesCdrId: string | null;
  readonly issuedAt: string;
}
