import { AcceleratedClock, SystemClock } from '../clock/clock';
import { Fleet } from '../fleet/fleet';
import { GroundTruthLog } from '../ground-truth/ground-truth.log';
import type { SimulateArgs } from './cli-args';
import type { FromWorker } from './worker-protocol';

const REPORT_EVERY_MS = 1_000;

/**
 * One worker's share of a CLI run: its slice of stations, with drivers, reporting stats every
 * second and each finished session as it happens. Runs inside a worker process.
 */
export class FleetRun {
  private readonly fleet: Fleet;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly args: SimulateArgs,
    start: number,
    end: number,
    private readonly report: (message: FromWorker) => void,
  ) {
    const groundTruth = new GroundTruthLog({
      keepInMemory: false,
      onRecord: (record) => {
        if (record.type === 'session') report({ type: 'session', record });
      },
    });
    this.fleet = new Fleet({
      url: args.url,
      total: args.stations,
      start,
      end,
      mix: args.mix,
      connectors: args.connectors,
      meterIntervalMs: args.meterIntervalS * 1000,
      idPrefix: args.idPrefix,
      tokenPrefix: args.tokenPrefix,
      sourceAddresses: args.sourceAddresses,
      clock: args.speed === 1 ? new SystemClock() : new AcceleratedClock(args.speed),
      groundTruth,
      connectConcurrency: args.connectConcurrency,
      drivers: { idleMs: [args.idleS[0] * 1000, args.idleS[1] * 1000], sessionMs: [args.sessionS[0] * 1000, args.sessionS[1] * 1000] },
      callTimeoutMs: args.callTimeoutMs,
    });
    this.timer = setInterval(() => report({ type: 'stats', stats: this.fleet.stats() }), REPORT_EVERY_MS);
  }

  start(): Promise<void> {
    return this.fleet.start();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.fleet.stop({ finishSessions: this.args.finishSessions, flushTimeoutMs: 15_000 });
    this.report({ type: 'stopped', stats: this.fleet.stats() });
  }
}
