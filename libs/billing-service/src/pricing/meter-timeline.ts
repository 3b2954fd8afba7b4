import type { MeterPoint } from '@evcsms/billing';

export interface StoredPoint {
  readonly at: Date;
  readonly energyWh: bigint;
}

/**
 * The points the pricing engine accepts: strictly inside the session, in time order, energy
 * never going down (a late, lower report of a later instant is lifted to what was already
 * reached). Points at or before the start carry no energy that counts; the engine starts at 0.
 */
export function livePoints(points: readonly StoredPoint[], startedAt: Date): MeterPoint[] {
  const start = startedAt.getTime();
  const out: MeterPoint[] = [];
  let reached = 0n;
  for (const point of [...points].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    if (point.at.getTime() <= start) continue;
    reached = point.energyWh > reached ? point.energyWh : reached;
    out.push({ at: point.at, energyWh: reached });
  }
  return out;
}

/**
 * The finished session's timeline: the points received, cut to the session and capped at the
 * final energy (the final snapshot is the truth when they disagree), ending with the final
 * energy at the end.
 */
export function finalPoints(points: readonly StoredPoint[], startedAt: Date, endedAt: Date, finalEnergyWh: bigint): MeterPoint[] {
  const end = endedAt.getTime();
  const inside = livePoints(points, startedAt)
    .filter((point) => point.at.getTime() < end)
    .map((point) => ({ at: point.at, energyWh: BigInt(point.energyWh) > finalEnergyWh ? finalEnergyWh : point.energyWh }));
  if (end > startedAt.getTime()) inside.push({ at: endedAt, energyWh: finalEnergyWh });
  return inside;
}
