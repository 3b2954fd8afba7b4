import type { OcppVersion } from '@evcsms/ocpp';
import { SystemClock, type Clock } from '../clock/clock';
import type { GroundTruthLog } from '../ground-truth/ground-truth.log';
import type { VendorQuirk } from '../rpc/vendor-quirks';
import { LatencyHistogram } from '../stats/latency-histogram';
import type { ProtocolViolation } from '../stats/station-stats';
import { SimulatedStation } from '../station/simulated-station';
import type { EvSpec } from '../station/station.options';
import { protocolFor, stationIdFor, tokenFor, type MixEntry } from './fleet-plan';

/** How drivers behave: each connector alternates between idle and charging, for random spans (simulated ms). */
export interface DriverBehaviour {
  readonly idleMs: readonly [number, number];
  readonly sessionMs: readonly [number, number];
}

export interface FleetOptions {
  readonly url: string;
  /**
   * More endpoints (e.g. one per gateway pod): stations are spread over [url, ...failoverUrls]
   * round-robin, and each fails over to the others in turn when a connection attempt fails.
   */
  readonly failoverUrls?: readonly string[];
  /** Stations in the whole fleet (all workers). */
  readonly total: number;
  /** This fleet's slice of them: [start, end). Default all. */
  readonly start?: number;
  readonly end?: number;
  readonly mix: readonly MixEntry[];
  readonly connectors: number;
  readonly meterIntervalMs: number;
  readonly idPrefix: string;
  readonly tokenPrefix: string;
  /** Stations are spread round-robin over these (by fleet-wide index). */
  readonly sourceAddresses?: readonly string[];
  readonly clock?: Clock;
  readonly groundTruth?: GroundTruthLog;
  /** Handshakes in flight while the fleet connects. */
  readonly connectConcurrency?: number;
  /** undefined: no automatic drivers; the caller plugs EVs in itself. */
  readonly drivers?: DriverBehaviour;
  readonly callTimeoutMs?: number;
  readonly quirks?: readonly VendorQuirk[];
  readonly ev?: Partial<EvSpec>;
  readonly random?: () => number;
}

/** Fleet-wide counters, also what a worker process reports to the CLI. */
export interface FleetStats {
  readonly stations: number;
  readonly connected: number;
  readonly accepted: number;
  readonly activeSessions: number;
  readonly finishedSessions: number;
  readonly queued: number;
  readonly callsSent: number;
  readonly callResults: number;
  readonly callErrors: number;
  readonly errorCodes: Readonly<Record<string, number>>;
  readonly callTimeouts: number;
  readonly callsReceived: number;
  readonly frames: number;
  readonly energyWh: number;
  readonly latencyCounts: readonly number[];
  /** All of them; `violations` holds the first few. */
  readonly violationCount: number;
  readonly violations: readonly ProtocolViolation[];
}

const VIOLATIONS_REPORTED = 20;

/** Many simulated stations: connected at a bounded rate, optionally with drivers that come and go. */
export class Fleet {
  readonly stations: SimulatedStation[] = [];
  private readonly clock: Clock;
  private readonly random: () => number;
  private running = false;
  private readonly driverTimers = new Set<NodeJS.Timeout>();
  private readonly indices = new Map<SimulatedStation, number>();

  constructor(private readonly options: FleetOptions) {
    this.clock = options.clock ?? new SystemClock();
    this.random = options.random ?? Math.random;
    const start = options.start ?? 0;
    const end = options.end ?? options.total;
    const addresses = options.sourceAddresses ?? [];
    for (let index = start; index < end; index++) {
      const protocol: OcppVersion = protocolFor(index, options.total, options.mix);
      const localAddress = addresses.length ? addresses[index % addresses.length] : undefined;
      const endpoints = [options.url, ...(options.failoverUrls ?? [])];
      const first = index % endpoints.length;
      const [url, ...failoverUrls] = [...endpoints.slice(first), ...endpoints.slice(0, first)];
      const station = new SimulatedStation({
          id: stationIdFor(options.idPrefix, index),
          protocol,
          url: url!,
          ...(failoverUrls.length ? { failoverUrls } : {}),
          connectors: options.connectors,
          tokens: Array.from({ length: options.connectors }, (_, c) => tokenFor(options.tokenPrefix, index, c + 1)),
          meterIntervalMs: options.meterIntervalMs,
          clock: this.clock,
          random: this.random,
          ...(localAddress ? { localAddress } : {}),
          ...(options.groundTruth ? { groundTruth: options.groundTruth } : {}),
          ...(options.callTimeoutMs ? { callTimeoutMs: options.callTimeoutMs } : {}),
          ...(options.quirks ? { quirks: options.quirks } : {}),
          ...(options.ev ? { ev: options.ev } : {}),
      });
      this.stations.push(station);
      this.indices.set(station, index);
    }
  }

  /** Starts every station, at most `connectConcurrency` handshakes+boots at a time; resolves when all were tried. */
  async start(): Promise<void> {
    this.running = true;
    const concurrency = this.options.connectConcurrency ?? 100;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (this.running && next < this.stations.length) {
        const station = this.stations[next++]!;
        const accepted = station.start();
        // A station that is not accepted within a while keeps retrying on its own; the lane moves on.
        await Promise.race([accepted.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
        if (this.options.drivers) for (const connector of station.connectors) this.scheduleArrival(station, connector.id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.stations.length) }, lane));
  }

  /**
   * Ends the run: no new arrivals; with `finishSessions` every EV is unplugged and queues are
   * flushed first (bounded), so the ground truth holds every session; then every station stops.
   */
  async stop(options: { finishSessions?: boolean; flushTimeoutMs?: number } = {}): Promise<void> {
    this.running = false;
    for (const timer of this.driverTimers) clearTimeout(timer);
    this.driverTimers.clear();
    if (options.finishSessions) {
      for (const station of this.stations) {
        for (const connector of station.connectors) if (connector.ev) await station.unplug(connector.id);
      }
      await Promise.all(this.stations.map((station) => station.flush(options.flushTimeoutMs ?? 10_000)));
    }
    await Promise.all(this.stations.map((station) => station.stop()));
  }

  station(id: string): SimulatedStation | undefined {
    return this.stations.find((station) => station.id === id);
  }

  stats(): FleetStats {
    const latency = new LatencyHistogram();
    let connected = 0;
    let accepted = 0;
    let activeSessions = 0;
    let finishedSessions = 0;
    let queued = 0;
    let callsSent = 0;
    let callResults = 0;
    let callErrors = 0;
    let callTimeouts = 0;
    let callsReceived = 0;
    let frames = 0;
    let energyWh = 0;
    const violations: ProtocolViolation[] = [];
    const errorCodes: Record<string, number> = {};
    for (const station of this.stations) {
      const snapshot = station.snapshot();
      if (snapshot.connected) connected++;
      if (snapshot.connected && snapshot.registration === 'Accepted') accepted++;
      activeSessions += snapshot.activeSessions;
      finishedSessions += snapshot.finishedSessions;
      queued += snapshot.queued;
      const { stats } = station;
      callsSent += stats.callsSent;
      callResults += stats.callResults;
      callErrors += stats.callErrors;
      callTimeouts += stats.callTimeouts;
      callsReceived += stats.callsReceived;
      frames += stats.framesSent + stats.framesReceived;
      energyWh += station.groundTruth().totals.energyWh;
      latency.merge(stats.latency);
      violations.push(...stats.violations);
      for (const [key, count] of Object.entries(stats.errorCodes)) errorCodes[key] = (errorCodes[key] ?? 0) + count;
    }
    return {
      stations: this.stations.length,
      connected,
      accepted,
      activeSessions,
      finishedSessions,
      queued,
      callsSent,
      callResults,
      callErrors,
      errorCodes,
      callTimeouts,
      callsReceived,
      frames,
      energyWh,
      latencyCounts: latency.counts,
      violationCount: violations.length,
      violations: violations.slice(0, VIOLATIONS_REPORTED),
    };
  }

  private between([min, max]: readonly [number, number]): number {
    return min + this.random() * Math.max(0, max - min);
  }

  /** Driver timers are in simulated ms, turned into real ms by the clock's speed. */
  private later(simulatedMs: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.driverTimers.delete(timer);
      if (this.running) work();
    }, simulatedMs / this.clock.speed);
    timer.unref();
    this.driverTimers.add(timer);
  }

  private scheduleArrival(station: SimulatedStation, connectorId: number): void {
    const drivers = this.options.drivers;
    if (!drivers) return;
    this.later(this.between(drivers.idleMs), () => {
      const connector = station.connector(connectorId);
      if (!connector || connector.ev || connector.session || !connector.operative) return this.scheduleArrival(station, connectorId);
      void station
        .plugIn(connectorId, tokenFor(this.options.tokenPrefix, this.indices.get(station) ?? 0, connectorId))
        .catch(() => undefined)
        .finally(() =>
          this.later(this.between(drivers.sessionMs), () => {
            void station
              .unplug(connectorId)
              .catch(() => undefined)
              .finally(() => this.scheduleArrival(station, connectorId));
          }),
        );
    });
  }
}

/** Adds up worker reports. */
export function mergeFleetStats(parts: readonly FleetStats[]): FleetStats & { latency: LatencyHistogram } {
  const latency = new LatencyHistogram();
  const sum = (pick: (s: FleetStats) => number): number => parts.reduce((acc, part) => acc + pick(part), 0);
  for (const part of parts) latency.merge({ counts: part.latencyCounts });
  return {
    stations: sum((s) => s.stations),
    connected: sum((s) => s.connected),
    accepted: sum((s) => s.accepted),
    activeSessions: sum((s) => s.activeSessions),
    finishedSessions: sum((s) => s.finishedSessions),
    queued: sum((s) => s.queued),
    callsSent: sum((s) => s.callsSent),
    callResults: sum((s) => s.callResults),
    callErrors: sum((s) => s.callErrors),
    errorCodes: parts.reduce<Record<string, number>>((acc, part) => {
      for (const [key, count] of Object.entries(part.errorCodes)) acc[key] = (acc[key] ?? 0) + count;
      return acc;
    }, {}),
    callTimeouts: sum((s) => s.callTimeouts),
    callsReceived: sum((s) => s.callsReceived),
    frames: sum((s) => s.frames),
    energyWh: sum((s) => s.energyWh),
    latencyCounts: latency.counts,
    latency,
    violationCount: sum((s) => s.violationCount),
    violations: parts.flatMap((part) => part.violations).slice(0, VIOLATIONS_REPORTED),
  };
}
