import { pruneStationEvents, type DataSource } from '@evcsms/data-access';
import type { Logger } from '@evcsms/logging';

const DAY_MS = 86_400_000;
/** Pruning is cheap when done often: an hour's events at a time. */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Keeps the station event log to a configurable age (STATION_EVENTS_RETENTION_DAYS): deletes
 * older events at start and then hourly. Several replicas pruning at once is harmless (the same
 * rows, deleted once).
 */
export class StationEventRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly retentionDays: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.pruneNow();
    this.timer = setInterval(() => void this.pruneNow(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Deletes what is older than the retention; returns how many rows went. */
  async pruneNow(now = Date.now()): Promise<number> {
    let deleted = 0;
    const run = pruneStationEvents(this.dataSource, new Date(now - this.retentionDays * DAY_MS)).then(
      (count) => {
        deleted = count;
        if (count > 0) this.logger.info('station events pruned', { deleted: count, retentionDays: this.retentionDays });
      },
      (error: unknown) => this.logger.warn('station event prune failed; next hour again', { error }),
    );
    this.running = run;
    await run;
    return deleted;
  }
}
