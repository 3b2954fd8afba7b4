import { createWriteStream, type WriteStream } from 'node:fs';

/** One finished charging session as the charger knows it. Energy in whole Wh (meterStop - meterStart). */
export interface SessionRecord {
  readonly type: 'session';
  readonly stationId: string;
  readonly protocol: 'ocpp1.6' | 'ocpp2.0.1';
  readonly connectorId: number;
  /** The id the CSMS knows the session by: 1.6 the transactionId it assigned, 2.0.1 the station's. */
  readonly transactionId: string | null;
  readonly idTag: string;
  readonly startedAt: string;
  readonly stoppedAt: string;
  readonly meterStartWh: number;
  readonly meterStopWh: number;
  readonly energyWh: number;
  readonly stopReason: string;
  /** Some of its messages were produced while offline (and replayed later). */
  readonly offline: boolean;
  /** The CSMS acknowledged the session's last message. false: the run ended before it could. */
  readonly delivered: boolean;
}

export interface StationTotals {
  readonly type: 'station-totals';
  readonly stationId: string;
  readonly protocol: 'ocpp1.6' | 'ocpp2.0.1';
  readonly sessions: number;
  readonly energyWh: number;
}

export type GroundTruthRecord = SessionRecord | StationTotals;

/**
 * What really happened at the chargers, for fault tests to compare with the CSMS's API: kept in
 * memory and, when given a file, appended to it as JSON lines.
 */
export interface GroundTruthLogOptions {
  /** Append JSON lines here. */
  readonly file?: string;
  /** Keep records in `records` (default true; a worker process that forwards them does not). */
  readonly keepInMemory?: boolean;
  /** Called for every record (a worker forwards them to the CLI process). */
  readonly onRecord?: (record: GroundTruthRecord) => void;
}

export class GroundTruthLog {
  readonly records: GroundTruthRecord[] = [];
  private readonly stream: WriteStream | undefined;

  constructor(private readonly options: GroundTruthLogOptions = {}) {
    this.stream = options.file ? createWriteStream(options.file, { flags: 'a' }) : undefined;
  }

  add(record: GroundTruthRecord): void {
    if (this.options.keepInMemory !== false) this.records.push(record);
    this.stream?.write(`${JSON.stringify(record)}\n`);
    this.options.onRecord?.(record);
  }

  sessions(stationId?: string): SessionRecord[] {
    return this.records.filter((r): r is SessionRecord => r.type === 'session' && (stationId === undefined || r.stationId === stationId));
  }

  close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(resolve));
  }
}

/** Sessions and Wh per station, from session records. */
export function totalsOf(records: readonly SessionRecord[]): Map<string, { sessions: number; energyWh: number; protocol: SessionRecord['protocol'] }> {
  const totals = new Map<string, { sessions: number; energyWh: number; protocol: SessionRecord['protocol'] }>();
  for (const record of records) {
    const entry = totals.get(record.stationId) ?? { sessions: 0, energyWh: 0, protocol: record.protocol };
    entry.sessions += 1;
    entry.energyWh += record.energyWh;
    totals.set(record.stationId, entry);
  }
  return totals;
}
