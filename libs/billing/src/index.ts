// @evcsms/billing: the pure billing domain (README.md). OCPI 2.2.1 tariffs with exact prices,
// session pricing across time-of-use windows, DST and price changes, live cost, immutable CDRs
// with credit/debit corrections, tariff assignment, and statements. No I/O, no clock, no Nest.
export { type CurrencyCode, UnknownCurrencyError, currencyCode, isCurrencyCode, minorUnitExponent } from './money/currency';
export {
  type Money,
  type Price,
  CurrencyMismatchError,
  money,
  zeroMoney,
  addMoney,
  negateMoney,
  sumMoney,
  price,
  zeroPrice,
  addPrice,
  negatePrice,
  sumPrices,
  roundToMinor,
  toMajorRatio,
  formatMoney,
  parseMoney,
} from './money/money';
export { type Ratio, ratio, parseDecimalRatio, ratioFromNumber, roundHalfUp, toFixed, toExactDecimal } from './money/ratio';
export { allocate } from './money/allocation';
export { UnknownTimeZoneError, isTimeZone, wallClock, type WallClock } from './time/zoned-time';
export {
  TARIFF_DIMENSIONS,
  DAYS_OF_WEEK,
  type TariffDimensionType,
  type DayOfWeek,
  type PriceComponent,
  type TariffRestrictions,
  type TariffElement,
  type Tariff,
} from './tariff/tariff.model';
export { validateTariff, parseTariff, TariffValidationError, type ValidationIssue, type TariffValidationResult } from './tariff/tariff-validation';
export {
  resolveTariff,
  ASSIGNMENT_PRECEDENCE,
  type AssignmentScope,
  type TariffAssignment,
  type AssignmentContext,
  type TariffResolution,
} from './tariff/tariff-assignment';
export { type MeterPoint, type SessionTimeline, InvalidTimelineError } from './pricing/session-timeline';
export type { CdrDimensionType, CdrDimension, ChargingPeriod, SessionCost } from './pricing/charging-period.model';
export { priceSession, NoTariffInEffectError, type PricingInput } from './pricing/pricing-engine';
export { liveCost, type ActiveSession } from './pricing/live-cost';
export type { Cdr } from './cdr/cdr.model';
export { buildCdr, correctionOf, InvalidCorrectionError, type CdrSession, type CdrOptions, type Correction } from './cdr/cdr.builder';
export { cdrToJson, type CdrJson, type PriceJson } from './cdr/cdr-json.mapper';
export {
  buildStatement,
  statementRows,
  type Statement,
  type StatementGroup,
  type StatementLine,
  type StatementRow,
  type StatementOptions,
  type StatementGrouping,
} from './statement/statement.builder';
export { statementToCsv, csvField } from './statement/statement-csv';
