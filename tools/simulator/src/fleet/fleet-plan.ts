import type { OcppVersion } from '@evcsms/ocpp';

/** A protocol and its share of the fleet, e.g. 1.6 at 0.9. */
export interface MixEntry {
  readonly protocol: OcppVersion;
  readonly share: number;
}

/**
 * The protocol of station `index` of `total`: deterministic, so worker processes that each run a
 * slice of the fleet agree, and the shares come out exact to one station.
 */
export function protocolFor(index: number, total: number, mix: readonly MixEntry[]): OcppVersion {
  const sum = mix.reduce((acc, entry) => acc + entry.share, 0);
  let cumulative = 0;
  for (const entry of mix) {
    cumulative += entry.share / sum;
    if (index < Math.round(cumulative * total)) return entry.protocol;
  }
  return mix.at(-1)?.protocol ?? 'ocpp1.6';
}

export function stationIdFor(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(6, '0')}`;
}

/** One RFID card per connector; 1.6 idTag is at most 20 characters. */
export function tokenFor(prefix: string, index: number, connectorId: number): string {
  return `${prefix}${index}C${connectorId}`.slice(0, 20);
}

/** Stations [start, end) for each of `workers` processes, as even as can be. */
export function sliceStations(total: number, workers: number): Array<{ start: number; end: number }> {
  const slices: Array<{ start: number; end: number }> = [];
  for (let w = 0; w < workers; w++) {
    const start = Math.floor((w * total) / workers);
    const end = Math.floor(((w + 1) * total) / workers);
    if (end > start) slices.push({ start, end });
  }
  return slices;
}
