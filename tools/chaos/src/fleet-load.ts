import { AcceleratedClock, Fleet, GroundTruthLog, tokenFor, type MixEntry, type SessionRecord } from '@evcsms/simulator';
import type { ChaosApi } from './chaos-api';

export interface LoadOptions {
  readonly stations: number;
  readonly connectors: number;
  /** Simulated seconds per real second. */
  readonly speed: number;
  readonly mix: readonly MixEntry[];
  /** Simulated seconds between meter samples. */
  readonly meterIntervalS: number;
  /** Simulated seconds a connector is free between sessions, and a session lasts. */
  readonly idleS: readonly [number, number];
  readonly sessionS: readonly [number, number];
  /**
   * Real seconds a station waits after a CALLERROR on a transaction message before its next
   * attempt (times the attempt number, OCPP TransactionMessageRetryInterval), and the attempts.
   */
  readonly retryIntervalRealS: number;
  readonly retryAttempts: number;
  readonly connectConcurrency: number;
}

export const SHORT_LOAD: LoadOptions = {
  stations: 30,
  connectors: 2,
  speed: 30,
  mix: [
    { protocol: 'ocpp1.6', share: 0.7 },
    { protocol: 'ocpp2.0.1', share: 0.3 },
  ],
  meterIntervalS: 60,
  idleS: [30, 90],
  sessionS: [90, 240],
  retryIntervalRealS: 5,
  retryAttempts: 6,
  connectConcurrency: 20,
};

/**
 * One scenario's chargers: a simulated fleet spread over both gateways, each station failing
 * over to the other gateway when its own refuses connections (what a load balancer does), with
 * drivers that plug in and unplug on an accelerated clock so sessions finish within seconds.
 */
export class FleetLoad {
  readonly log = new GroundTruthLog();
  readonly fleet: Fleet;
  readonly idPrefix: string;

  private constructor(
    readonly options: LoadOptions,
    readonly tag: string,
    urls: readonly string[],
  ) {
    this.idPrefix = `CH-${tag}-`;
    const clock = new AcceleratedClock(options.speed);
    this.fleet = new Fleet({
      url: urls[0]!,
      failoverUrls: urls.slice(1),
      total: options.stations,
      mix: options.mix,
      connectors: options.connectors,
      meterIntervalMs: options.meterIntervalS * 1000,
      idPrefix: this.idPrefix,
      tokenPrefix: tokenPrefixOf(tag),
      clock,
      groundTruth: this.log,
      connectConcurrency: options.connectConcurrency,
      drivers: { idleMs: [options.idleS[0] * 1000, options.idleS[1] * 1000], sessionMs: [options.sessionS[0] * 1000, options.sessionS[1] * 1000] },
      // Real ms: longer than the gateway's reply timeout, so the CSMS's InternalError comes first.
      callTimeoutMs: 30_000,
    });
    const retryS = String(Math.max(1, Math.round(options.retryIntervalRealS * options.speed)));
    for (const station of this.fleet.stations) {
      const ocpp16 = station.protocol === 'ocpp1.6';
      station.config.update(ocpp16 ? 'TransactionMessageRetryInterval' : 'OCPPCommCtrlr.MessageAttemptInterval', retryS);
      station.config.update(ocpp16 ? 'TransactionMessageAttempts' : 'OCPPCommCtrlr.MessageAttempts', String(options.retryAttempts));
    }
  }

  /** Registers the fleet's RFID tokens with the API, then starts every station and its drivers. */
  static async start(api: ChaosApi, urls: readonly string[], tag: string, options: LoadOptions): Promise<FleetLoad> {
    const load = new FleetLoad(options, tag, urls);
    await provisionTokens(api, tokenPrefixOf(tag), options.stations, options.connectors);
    await load.fleet.start();
    return load;
  }

  get stationIds(): string[] {
    return this.fleet.stations.map((station) => station.id);
  }

  /** Stations the simulator sees connected and accepted. */
  onlineStations(): number {
    return this.fleet.stations.filter((station) => station.online).length;
  }

  /** Drivers stop arriving, every EV is unplugged, queues are flushed (bounded), stations stop. */
  async finish(flushTimeoutMs: number): Promise<void> {
    await this.fleet.stop({ finishSessions: true, flushTimeoutMs });
  }

  sessions(): SessionRecord[] {
    return this.log.sessions();
  }
}

function tokenPrefixOf(tag: string): string {
  // 1.6 idTag: at most 20 characters, the index and connector come after.
  return `T${tag.replace(/[^A-Z0-9]/gi, '').slice(0, 8).toUpperCase()}`;
}

async function provisionTokens(api: ChaosApi, prefix: string, stations: number, connectors: number): Promise<void> {
  const tokens: string[] = [];
  for (let index = 0; index < stations; index++) for (let c = 1; c <= connectors; c++) tokens.push(tokenFor(prefix, index, c));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tokens.length) {
      const idToken = tokens[next++]!;
      const answer = await api.request('POST', '/tokens', { idToken, type: 'ISO14443', status: 'Accepted' });
      if (answer.status !== 201 && answer.status !== 200 && answer.status !== 409) {
        throw new Error(`registering token ${idToken}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, tokens.length) }, lane));
}
