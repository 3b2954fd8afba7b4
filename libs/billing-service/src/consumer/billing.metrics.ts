import type { Cdr } from '@evcsms/billing';
import type { MetricsRegistry } from '@evcsms/metrics';

/** Why a session was left unpriced: no tariff (or no version of it), or the engine refused it. */
export type PricingFailure = 'no-tariff' | 'pricing-error';

export interface BillingMetrics {
  /** A session event applied (not a redelivery), by type. */
  eventApplied(type: string): void;
  cdrIssued(cdr: Cdr): void;
  pricingFailed(reason: PricingFailure): void;
}

/** The billing service's metrics: events applied, CDRs issued by kind, pricing failures. */
export function createBillingMetrics(registry: MetricsRegistry): BillingMetrics {
  const events = registry.counter('csms_billing_session_events_applied_total', 'Session events billing applied (redeliveries excluded), by type', ['type'] as const);
  const cdrs = registry.counter('csms_billing_cdrs_issued_total', 'CDRs issued, by kind: cdr, credit (cancels one), correction (replaces one)', ['kind'] as const);
  const failures = registry.counter('csms_billing_pricing_failures_total', 'Sessions left unpriced, by reason', ['reason'] as const);
  const byType = new Map(['session-started', 'session-updated', 'session-ended'].map((type) => [type, events.bind({ type })]));
  const byKind = { cdr: cdrs.bind({ kind: 'cdr' }), credit: cdrs.bind({ kind: 'credit' }), correction: cdrs.bind({ kind: 'correction' }) };
  const byReason = { 'no-tariff': failures.bind({ reason: 'no-tariff' }), 'pricing-error': failures.bind({ reason: 'pricing-error' }) };
  return {
    eventApplied: (type) => byType.get(type)?.inc(),
    cdrIssued: (cdr) => byKind[cdr.credit ? 'credit' : cdr.replacesCdrId ? 'correction' : 'cdr'].inc(),
    pricingFailed: (reason) => byReason[reason].inc(),
  };
}
