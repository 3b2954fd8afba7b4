import { LATENCY_BUCKETS_SECONDS, type BoundCounter, type MetricsRegistry } from '@evcsms/metrics';

/** What became of a station call in a service's consumer. */
export type StationCallOutcome = 'result' | 'callerror' | 'unclaimed' | 'expired';

const OUTCOMES: readonly StationCallOutcome[] = ['result', 'callerror', 'unclaimed', 'expired'];
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] as const;

export interface StationCallMetrics {
  /** One message. Label sets are bound once per action: the hot path is a number addition. */
  processed(action: string, outcome: StationCallOutcome): void;
  /** One consumer batch: how many messages, how long it took, how old its oldest message was. */
  batch(size: number, durationSeconds: number, lagSeconds: number): void;
}

/** The station-call consumer's metrics, labelled by consumer group. */
export function createStationCallMetrics(registry: MetricsRegistry, group: string): StationCallMetrics {
  const processed = registry.counter('csms_station_calls_processed_total', 'Station calls a service consumer processed, by action and outcome', ['group', 'action', 'outcome'] as const);
  const batchSize = registry.histogram('csms_station_call_batch_size', 'Station calls per consumer batch', ['group'] as const, BATCH_SIZE_BUCKETS);
  const batchDuration = registry.histogram('csms_station_call_batch_duration_seconds', 'Time to process one consumer batch', ['group'] as const, LATENCY_BUCKETS_SECONDS);
  const lag = registry.gauge('csms_station_call_consumer_lag_seconds', 'Age of the oldest message of the latest batch when its processing started', ['group'] as const);
  // Action names are bounded (the gateway validates them against the protocol's schemas).
  const bound = new Map<string, Record<StationCallOutcome, BoundCounter>>();
  const labels = { group };
  return {
    processed(action, outcome) {
      let counters = bound.get(action);
      if (!counters) {
        counters = Object.fromEntries(OUTCOMES.map((each) => [each, processed.bind({ group, action, outcome: each })])) as Record<StationCallOutcome, BoundCounter>;
        bound.set(action, counters);
      }
      counters[outcome].inc();
    },
    batch(size, durationSeconds, lagSeconds) {
      batchSize.observe(labels, size);
      batchDuration.observe(labels, durationSeconds);
      lag.set(labels, lagSeconds);
    },
  };
}
