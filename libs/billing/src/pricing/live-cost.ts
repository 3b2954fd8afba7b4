import type { Tariff } from '../tariff/tariff.model';
import type { SessionCost } from './charging-period.model';
import { priceSession } from './pricing-engine';
import { InvalidTimelineError, type MeterPoint } from './session-timeline';

export interface ActiveSession {
  readonly startedAt: Date;
  /** The meter points received so far, in time order. */
  readonly meterPoints: readonly MeterPoint[];
}

/**
 * What an active session costs if it ended `now`: the same engine as the CDR, so the last live
 * figure and the CDR agree when the final meter point is in. The stretch after the last meter
 * point keeps its state (charging or idle) until the next value arrives, and min_price/max_price
 * apply as they would at the end. Meter points after `now` (clock skew) are ignored.
 */
export function liveCost(session: ActiveSession, tariffs: readonly Tariff[], timeZone: string, now: Date): SessionCost {
  if (now.getTime() < session.startedAt.getTime()) throw new InvalidTimelineError('"now" is before the session started');
  const meterPoints = session.meterPoints.filter((p) => p.at.getTime() <= now.getTime());
  return priceSession({ timeline: { startedAt: session.startedAt, endedAt: now, meterPoints }, timeZone, tariffs, openEnded: true });
}
