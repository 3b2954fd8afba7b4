// @evcsms/billing-service: billing around the pure domain of @evcsms/billing (docs/billing.md).
// Consumes the session events, keeps live cost, issues exactly one CDR per finished session
// (credit + debit on corrections), and maps CDRs for storage and the API.
export { SessionBillingProcessor, type SessionBillingOptions, type BillingOutcome } from './consumer/session-billing.processor';
export { BillingConsumer, BILLING_GROUP, type BillingConsumerOptions } from './consumer/billing.consumer';
export { createBillingMetrics, type BillingMetrics, type PricingFailure } from './consumer/billing.metrics';
export type { StationCommandPort, CostUpdate } from './cost-updates/station-commands.port';
export { cdrDocument, cdrFromDocument, cdrFromRow, cdrRow, cdrView, moneyView, moneyViewOfMinor, type MoneyView } from './cdr/cdr-document.mapper';
export { livePoints, finalPoints, type StoredPoint } from './pricing/meter-timeline';
export { assignmentOf, tariffIdFor, tariffsOf, type SessionContext } from './tariffs/tariff-resolution';
