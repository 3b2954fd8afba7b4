import type { FleetStats } from '../fleet/fleet';
import type { LatencyHistogram } from '../stats/latency-histogram';

const ms = (value: number | undefined): string => (value === undefined ? '-' : value < 10 ? value.toFixed(2) : value.toFixed(0));

/** The live one-liner: connections, registrations, sessions, message rate, call latency. */
export function progressLine(elapsedS: number, stats: FleetStats, latency: LatencyHistogram, messagesPerS: number): string {
  return [
    `[${elapsedS.toFixed(0).padStart(4)}s]`,
    `connected ${stats.connected}/${stats.stations}`,
    `accepted ${stats.accepted}`,
    `sessions active ${stats.activeSessions} finished ${stats.finishedSessions}`,
    `${messagesPerS.toFixed(0)} msg/s`,
    `p50 ${ms(latency.quantileMs(0.5))} ms p99 ${ms(latency.quantileMs(0.99))} ms`,
    `errors ${stats.callErrors} timeouts ${stats.callTimeouts} violations ${stats.violationCount}`,
  ].join(' | ');
}

export interface RunSummary {
  readonly durationS: number;
  readonly stations: number;
  readonly workers: number;
  readonly connected: number;
  readonly accepted: number;
  readonly sessionsFinished: number;
  readonly sessionsActiveAtEnd: number;
  readonly energyWh: number;
  readonly callsSent: number;
  readonly callResults: number;
  readonly callErrors: number;
  readonly errorCodes: Readonly<Record<string, number>>;
  readonly callTimeouts: number;
  readonly callsReceived: number;
  readonly messagesPerS: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
  readonly violations: number;
  readonly queuedAtEnd: number;
}

export function summaryOf(durationS: number, workers: number, peak: { connected: number; accepted: number; activeSessions: number }, stats: FleetStats, latency: LatencyHistogram): RunSummary {
  const round = (value: number | undefined): number | null => (value === undefined ? null : Math.round(value * 100) / 100);
  return {
    durationS: Math.round(durationS * 10) / 10,
    stations: stats.stations,
    workers,
    connected: peak.connected,
    accepted: peak.accepted,
    sessionsFinished: stats.finishedSessions,
    sessionsActiveAtEnd: peak.activeSessions,
    energyWh: stats.energyWh,
    callsSent: stats.callsSent,
    callResults: stats.callResults,
    callErrors: stats.callErrors,
    errorCodes: stats.errorCodes,
    callTimeouts: stats.callTimeouts,
    callsReceived: stats.callsReceived,
    messagesPerS: Math.round(stats.frames / Math.max(durationS, 0.001)),
    latencyP50Ms: round(latency.quantileMs(0.5)),
    latencyP99Ms: round(latency.quantileMs(0.99)),
    violations: stats.violationCount,
    queuedAtEnd: stats.queued,
  };
}
