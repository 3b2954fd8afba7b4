/**
 * Which tariff applies to a session: assignments by token group, connector, EVSE, station, site,
 * or a default. The most specific wins, and the driver's group beats the hardware, because a
 * group tariff is a promise to a person (residents charge free at any of the site's chargers).
 */
export type AssignmentScope =
  /** siteId narrows a group's tariff to one site (residents of that building only). */
  | { readonly kind: 'token-group'; readonly tokenGroup: string; readonly siteId?: string }
  | { readonly kind: 'connector'; readonly stationId: string; readonly evseId: number; readonly connectorId: number }
  | { readonly kind: 'evse'; readonly stationId: string; readonly evseId: number }
  | { readonly kind: 'station'; readonly stationId: string }
  | { readonly kind: 'site'; readonly siteId: string }
  | { readonly kind: 'default' };

export interface TariffAssignment {
  readonly tariffId: string;
  readonly scope: AssignmentScope;
  /** Epoch ms, inclusive; null/absent: always. */
  readonly validFrom?: number | null;
  /** Epoch ms, exclusive; null/absent: open-ended. */
  readonly validUntil?: number | null;
}

export interface AssignmentContext {
  readonly siteId?: string | null;
  readonly stationId: string;
  readonly evseId?: number | null;
  readonly connectorId?: number | null;
  readonly tokenGroup?: string | null;
}

export interface TariffResolution {
  readonly tariffId: string;
  readonly assignment: TariffAssignment;
  /** 0 is the strongest, see ASSIGNMENT_PRECEDENCE. */
  readonly rank: number;
}

/** Strongest first. */
export const ASSIGNMENT_PRECEDENCE = ['token-group at site', 'token-group', 'connector', 'evse', 'station', 'site', 'default'] as const;

/**
 * The tariff for a session starting at `atMs`: the strongest matching assignment in effect then
 * (ASSIGNMENT_PRECEDENCE); among equals the one that took effect last; then the smallest tariff
 * id, so the answer never depends on the order the assignments were loaded in. Null when none
 * matches (the caller decides: refuse to price, or charge nothing).
 */
export function resolveTariff(assignments: readonly TariffAssignment[], ctx: AssignmentContext, atMs: number): TariffResolution | null {
  let best: TariffResolution | null = null;
  for (const assignment of assignments) {
    if ((assignment.validFrom ?? -Infinity) > atMs || (assignment.validUntil ?? Infinity) <= atMs) continue;
    const rank = rankOf(assignment.scope, ctx);
    if (rank === null) continue;
    if (!best || rank < best.rank || (rank === best.rank && wins(assignment, best.assignment))) {
      best = { tariffId: assignment.tariffId, assignment, rank };
    }
  }
  return best;
}

function wins(candidate: TariffAssignment, incumbent: TariffAssignment): boolean {
  const a = candidate.validFrom ?? -Infinity;
  const b = incumbent.validFrom ?? -Infinity;
  return a !== b ? a > b : candidate.tariffId < incumbent.tariffId;
}

function rankOf(scope: AssignmentScope, ctx: AssignmentContext): number | null {
  switch (scope.kind) {
    case 'token-group':
      if (!ctx.tokenGroup || scope.tokenGroup !== ctx.tokenGroup) return null;
      if (scope.siteId === undefined) return 1;
      return scope.siteId === ctx.siteId ? 0 : null;
    case 'connector':
      return scope.stationId === ctx.stationId && scope.evseId === ctx.evseId && scope.connectorId === ctx.connectorId ? 2 : null;
    case 'evse':
      return scope.stationId === ctx.stationId && scope.evseId === ctx.evseId ? 3 : null;
    case 'station':
      return scope.stationId === ctx.stationId ? 4 : null;
    case 'site':
      return ctx.siteId != null && scope.siteId === ctx.siteId ? 5 : null;
    case 'default':
      return 6;
  }
}
