/**
 * How much power an EV draws: constant power (the lesser of what the car, the connector and any
 * charging-profile limit allow) until the battery is 80 % full, then a linear taper to a trickle,
 * then nothing. Energy is integer milliwatt-hours so a session's Wh total never drifts.
 */

/** State of charge where the taper starts: typical of lithium-ion CC/CV charging. */
export const TAPER_START_SOC = 0.8;
/** Power at the end of the taper, as a share of the constant-power phase. */
export const TAPER_FLOOR = 0.05;
/** Energy is integrated in steps no longer than this (simulated ms). */
export const INTEGRATION_STEP_MS = 10_000;

export interface EvBattery {
  readonly capacityMwh: number;
  /** Energy in the battery now. */
  socMwh: number;
  /** What the car's on-board charger (AC) or battery (DC) accepts. */
  readonly maxPowerW: number;
  /** W.ms not yet a whole mWh, carried to the next step so rounding never drifts. */
  carryWms?: number;
}

export interface PowerLimits {
  readonly connectorMaxW: number;
  /** From the charging profiles in force; undefined: no profile. */
  readonly profileLimitW: number | undefined;
}

/** Power (W, whole) the EV draws at this state of charge under these limits. */
export function chargingPowerW(battery: EvBattery, limits: PowerLimits): number {
  const soc = battery.capacityMwh > 0 ? battery.socMwh / battery.capacityMwh : 1;
  if (soc >= 1) return 0;
  const cap = Math.min(battery.maxPowerW, limits.connectorMaxW, limits.profileLimitW ?? Number.POSITIVE_INFINITY);
  if (cap <= 0) return 0;
  let curve = battery.maxPowerW;
  if (soc > TAPER_START_SOC) {
    const remaining = (1 - soc) / (1 - TAPER_START_SOC);
    curve = battery.maxPowerW * Math.max(TAPER_FLOOR, remaining);
  }
  return Math.floor(Math.min(curve, cap));
}

/** W x ms -> mWh (1 Wh = 3,600,000 W.ms). */
export function energyMwh(powerW: number, durationMs: number): number {
  return Math.round((powerW * durationMs) / 3_600);
}

/**
 * Charges `battery` from `fromMs` to `toMs` (simulated), asking `limitsAt` for the limits at the
 * start of each step; returns the energy delivered (mWh) and the power at the end.
 */
export function integrateCharging(
  battery: EvBattery,
  fromMs: number,
  toMs: number,
  limitsAt: (atMs: number) => PowerLimits,
): { deliveredMwh: number; powerW: number } {
  let delivered = 0;
  let powerW = 0;
  for (let at = fromMs; at < toMs; ) {
    const step = Math.min(INTEGRATION_STEP_MS, toMs - at);
    powerW = chargingPowerW(battery, limitsAt(at));
    const wms = powerW * step + (battery.carryWms ?? 0);
    battery.carryWms = wms % 3_600;
    const energy = Math.min(Math.floor(wms / 3_600), battery.capacityMwh - battery.socMwh);
    battery.socMwh += energy;
    delivered += energy;
    at += step;
  }
  if (fromMs >= toMs) powerW = chargingPowerW(battery, limitsAt(toMs));
  return { deliveredMwh: delivered, powerW };
}
