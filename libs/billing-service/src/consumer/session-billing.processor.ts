import { randomUUID } from 'node:crypto';
import { buildCdr, correctionOf, formatMoney, liveCost, type Cdr, type Tariff } from '@evcsms/billing';
import { billingTransaction, type BillingSessionRow, type BillingStore, type DataSource } from '@evcsms/data-access';
import { silentLogger, type Logger } from '@evcsms/logging';
import type { SessionEvent, SessionSnapshot } from '@evcsms/sessions';
import { cdrFromRow, cdrRow } from '../cdr/cdr-document.mapper';
import type { CostUpdate } from '../cost-updates/station-commands.port';
import { finalPoints, livePoints, type StoredPoint } from '../pricing/meter-timeline';
import type { BillingMetrics } from './billing.metrics';
import { tariffIdFor, tariffsOf } from '../tariffs/tariff-resolution';

export interface SessionBillingOptions {
  /** IANA zone that tariff restrictions are read in for stations without a site. Default 'UTC'. */
  readonly timeZone?: string;
  /** Per-station zone for stations without a site; falls back to timeZone. */
  readonly timeZoneOf?: (stationId: string) => string | undefined;
  readonly logger?: Logger;
  /** Pricing failures are counted here when given (createBillingMetrics). */
  readonly metrics?: Pick<BillingMetrics, 'pricingFailed'>;
}

/** What applying one event did; the consumer acts on costUpdate after the commit. */
export interface BillingOutcome {
  readonly applied: boolean;
  readonly issued: readonly Cdr[];
  readonly costUpdate: CostUpdate | null;
}

const NOTHING: BillingOutcome = { applied: false, issued: [], costUpdate: null };

/**
 * Applies session events to billing, one database transaction per event:
 *
 * - the event id is claimed first (billing_processed_events), so a redelivered event changes
 *   nothing; the session's billing row is locked, so two consumers of one session take turns;
 * - session-started (or whichever event comes first) resolves the tariff and keeps a snapshot
 *   of its versions: a price created later never reprices a running session;
 * - session-updated adds a (time, energy) point and prices the session up to now (live cost);
 * - session-ended issues the CDR. The unique index on the session's original debit makes a
 *   second one impossible; a `correction` whose amount differs issues a credit and a new debit.
 *
 * An event for a session that already has its CDR, other than a correction, is ignored: an
 * update delivered after the end cannot change what was issued.
 */
export class SessionBillingProcessor {
  private readonly timeZone: string;
  private readonly logger: Logger;

  constructor(
    private readonly db: DataSource,
    private readonly options: SessionBillingOptions = {},
  ) {
    this.timeZone = options.timeZone ?? 'UTC';
    this.logger = options.logger ?? silentLogger;
  }

  process(event: SessionEvent): Promise<BillingOutcome> {
    return billingTransaction(this.db, async (store) => {
      if (!(await store.claimEvent(event.eventId, event.session.sessionId, event.type))) return NOTHING;
      const state = await this.sessionState(store, event.session);
      switch (event.type) {
        case 'session-started':
          return { applied: true, issued: [], costUpdate: null };
        case 'session-updated':
          return this.update(store, state, event.session, new Date(event.occurredAt));
        case 'session-ended':
          return this.end(store, state, event.session, new Date(event.occurredAt), event.correction);
      }
    });
  }

  /** The session's billing row, created (tariff resolved) by the first event that names it. */
  private async sessionState(store: BillingStore, session: SessionSnapshot): Promise<BillingSessionRow> {
    const existing = await store.lockSession(session.sessionId);
    if (existing) return existing;
    const startedAt = new Date(session.startedAt);
    const tokenGroup = session.idToken ? await store.tokenGroupOf(session.idToken) : null;
    // The site's zone prices the session, and site assignments apply through it.
    const site = await store.siteOf(session.stationId);
    const tariffId = tariffIdFor(await store.assignmentsFor(session.stationId, tokenGroup), {
      stationId: session.stationId,
      evseId: session.evseId,
      connectorId: session.connectorId,
      tokenGroup,
      siteId: site?.siteId ?? null,
      startedAt,
    });
    const versions = tariffId ? await store.tariffVersions(tariffId) : [];
    const note = !tariffId ? 'no tariff is assigned to this station, EVSE, connector or token group' : versions.length === 0 ? `tariff ${tariffId} has no versions` : null;
    if (note) {
      this.logger.warn('session not priced', { sessionId: session.sessionId, stationId: session.stationId, reason: note });
      this.options.metrics?.pricingFailed('no-tariff');
    }
    await store.insertSession({
      session_id: session.sessionId,
      station_id: session.stationId,
      evse_id: session.evseId,
      connector_id: session.connectorId,
      protocol: session.protocol,
      transaction_id: session.transactionId,
      token_uid: session.idToken,
      token_group: tokenGroup,
      started_at: startedAt,
      status: note ? 'unpriced' : 'active',
      tariff_id: tariffId,
      tariff_versions: note ? null : versions.map((version) => version.document),
      time_zone: site?.timeZone ?? this.options.timeZoneOf?.(session.stationId) ?? this.timeZone,
      currency: versions[0]?.currency ?? null,
      note,
    });
    const created = await store.lockSession(session.sessionId);
    if (!created) throw new Error(`billing state of session ${session.sessionId} vanished`);
    return created;
  }

  private async update(store: BillingStore, state: BillingSessionRow, session: SessionSnapshot, occurredAt: Date): Promise<BillingOutcome> {
    if (state.status !== 'active' || session.status !== 'active') return { applied: true, issued: [], costUpdate: null };
    const readAt = new Date(session.meterReadAt ?? occurredAt);
    await store.addMeterPoint(session.sessionId, readAt, BigInt(session.energyWh));
    const startedAt = new Date(session.startedAt);
    const points = livePoints(await this.points(store, session.sessionId), startedAt);
    // Priced as of the latest reading, on the station's clock: the receipt time can be far off
    // (an offline queue replayed), and time fees between readings show at the next one.
    const lastAt = points[points.length - 1]?.at.getTime() ?? startedAt.getTime();
    const now = new Date(Math.max(lastAt, startedAt.getTime()));
    const cost = this.tryPricing(session, () => liveCost({ startedAt, meterPoints: points }, this.tariffs(state), state.time_zone, now));
    if (!cost) return { applied: true, issued: [], costUpdate: null };
    await store.updateLiveCost(session.sessionId, { currency: cost.currency, exclVat: cost.total_cost.excl_vat.minor, inclVat: cost.total_cost.incl_vat.minor, at: now });
    const costUpdate =
      session.protocol === 'ocpp2.0.1' ? { stationId: session.stationId, transactionId: session.transactionId, totalCost: Number(formatMoney(cost.total_cost.incl_vat)) } : null;
    return { applied: true, issued: [], costUpdate };
  }

  private async end(store: BillingStore, state: BillingSessionRow, session: SessionSnapshot, occurredAt: Date, correction: boolean): Promise<BillingOutcome> {
    if (state.status === 'unpriced') return { applied: true, issued: [], costUpdate: null };
    const standing = state.status === 'completed' ? await store.standingDebit(session.sessionId) : undefined;
    if (standing && !correction) return { applied: true, issued: [], costUpdate: null };

    const points = await this.points(store, session.sessionId);
    const cdr = this.tryPricing(session, () => this.cdrOf(state, session, occurredAt, randomUUID(), points));
    if (!cdr) {
      if (!standing) await store.setStatus(session.sessionId, 'unpriced', { note: 'the session could not be priced with its tariff (see the billing log)' });
      return { applied: true, issued: [], costUpdate: null };
    }

    if (!standing) {
      if (!(await store.insertCdr(cdrRow(cdr)))) {
        // Only reachable if a CDR was written outside this lock; the one that exists stands.
        const existing = await store.standingDebit(session.sessionId);
        if (existing) await store.setStatus(session.sessionId, 'completed', { cdrId: existing.id });
        return { applied: true, issued: [], costUpdate: null };
      }
      await store.setStatus(session.sessionId, 'completed', { cdrId: cdr.id });
      return { applied: true, issued: [cdr], costUpdate: null };
    }

    const original = cdrFromRow(standing);
    if (sameCharge(original, cdr)) return { applied: true, issued: [], costUpdate: null };
    const { credit, debit } = correctionOf(original, cdr, { creditId: randomUUID(), issuedAt: occurredAt });
    if (!(await store.insertCdr(cdrRow(credit))) || !(await store.insertCdr(cdrRow(debit)))) {
      throw new Error(`CDR ${original.id} was corrected concurrently; retrying`);
    }
    await store.setStatus(session.sessionId, 'completed', { cdrId: debit.id });
    return { applied: true, issued: [credit, debit], costUpdate: null };
  }

  private cdrOf(state: BillingSessionRow, session: SessionSnapshot, issuedAt: Date, id: string, stored: readonly StoredPoint[]): Cdr {
    const startedAt = new Date(session.startedAt);
    const endedAt = new Date(session.endedAt ?? issuedAt);
    return buildCdr(
      {
        sessionId: session.sessionId,
        stationId: session.stationId,
        evseId: session.evseId,
        connectorId: session.connectorId,
        tokenUid: session.idToken ?? state.token_uid ?? 'UNKNOWN',
        tokenGroup: state.token_group,
        startedAt,
        endedAt,
        meterPoints: finalPoints(stored, startedAt, endedAt, BigInt(session.energyWh)),
      },
      this.tariffs(state),
      { id, timeZone: state.time_zone, issuedAt },
    );
  }

  private tariffs(state: BillingSessionRow): Tariff[] {
    return tariffsOf(state.tariff_versions ?? []);
  }

  private async points(store: BillingStore, sessionId: string): Promise<StoredPoint[]> {
    return (await store.meterPoints(sessionId)).map((row) => ({ at: new Date(row.at), energyWh: BigInt(row.energy_wh) }));
  }

  /**
   * Pricing errors come from the data (no tariff version in effect at the start, a timeline the
   * engine refuses): retrying cannot help, so they are logged and the session stays unpriced
   * rather than blocking its partition.
   */
  private tryPricing<T>(session: SessionSnapshot, price: () => T): T | undefined {
    try {
      return price();
    } catch (error) {
      this.logger.error('session could not be priced', { sessionId: session.sessionId, stationId: session.stationId, error });
      this.options.metrics?.pricingFailed('pricing-error');
      return undefined;
    }
  }
}

/** A correction is issued only when what the driver pays, or the energy billed, changed. */
function sameCharge(a: Cdr, b: Cdr): boolean {
  return (
    a.currency === b.currency &&
    a.totalCost.excl_vat.minor === b.totalCost.excl_vat.minor &&
    a.totalCost.incl_vat.minor === b.totalCost.incl_vat.minor &&
    a.totalEnergyWh === b.totalEnergyWh
  );
}
