import type { CommandResult } from '@evcsms/contracts';
import type { Logger } from '@evcsms/logging';
import { LATENCY_BUCKETS_SECONDS, type HistogramMetric, type MetricsRegistry } from '@evcsms/metrics';

/** How a command ended, as one bounded label: result, queued, callerror, or why it failed. */
export type CommandOutcome = 'result' | 'queued' | 'callerror' | Extract<CommandResult, { status: 'failed' }>['failure'];

export function outcomeOf(result: CommandResult): CommandOutcome {
  switch (result.status) {
    case 'result':
    case 'queued':
      return result.status;
    case 'error':
      return 'callerror';
    case 'failed':
      return result.failure;
  }
}

/**
 * The lifecycle of every command the API sends to a station: "command sent" when it leaves,
 * "command answered" with its outcome and duration when it ends, and the
 * `csms_api_command_duration_seconds` histogram. Payloads are not logged (they can hold tokens).
 */
export class CommandLog {
  private readonly duration: HistogramMetric<'action' | 'outcome'>;

  constructor(
    private readonly logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.duration = metrics.histogram('csms_api_command_duration_seconds', 'Commands the API sent to stations, by action and outcome', ['action', 'outcome'] as const, LATENCY_BUCKETS_SECONDS);
  }

  /** Logs the command as sent; call the returned function with its result. */
  sent(stationId: string, action: string): (result: CommandResult) => void {
    const started = performance.now();
    this.logger.info('command sent', { stationId, action });
    return (result) => {
      const outcome = outcomeOf(result);
      const durationMs = performance.now() - started;
      this.duration.observe({ action, outcome }, durationMs / 1000);
      const fields = { stationId, action, outcome, durationMs: Math.round(durationMs * 10) / 10, ...(result.status === 'error' ? { errorCode: result.errorCode } : {}) };
      if (result.status === 'result' || result.status === 'queued') this.logger.info('command answered', fields);
      else this.logger.warn('command answered', fields);
    };
  }
}
