import * as prom from 'prom-client';

/** Our own narrow metric types, so that only this library knows prom-client. */
export type Labels<L extends string> = Partial<Record<L, string | number>>;

export interface BoundCounter {
  inc(value?: number): void;
}
export interface CounterMetric<L extends string = string> {
  inc(labels?: Labels<L>, value?: number): void;
  /** A handle for one label set: inc() is a number addition, flushed to the counter on scrape. */
  bind(labels: Labels<L>): BoundCounter;
}
export interface GaugeMetric<L extends string = string> {
  set(labels: Labels<L>, value: number): void;
  inc(labels?: Labels<L>, value?: number): void;
  dec(labels?: Labels<L>, value?: number): void;
}
export interface HistogramMetric<L extends string = string> {
  observe(labels: Labels<L>, value: number): void;
}

export interface MetricsRegistry {
  counter<L extends string>(name: string, help: string, labelNames?: readonly L[]): CounterMetric<L>;
  gauge<L extends string>(name: string, help: string, labelNames?: readonly L[], collect?: (gauge: GaugeMetric<L>) => void): GaugeMetric<L>;
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]): HistogramMetric<L>;
  /** Prometheus text exposition of every metric in this registry. */
  render(): Promise<string>;
  readonly contentType: string;
}

/** Latency buckets in seconds, from sub-millisecond edge work to multi-second timeouts. */
export const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

const MISNAMED_DEFAULT_GAUGES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'] as const;

class PromMetricsRegistry implements MetricsRegistry {
  private readonly registry = new prom.Registry();

  constructor(defaultLabels: Record<string, string>, processMetrics: boolean) {
    this.registry.setDefaultLabels(defaultLabels);
    // Process metrics include CPU, memory and nodejs_eventloop_lag_seconds.
    if (processMetrics) {
      prom.collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
      // Gauges named like counters (promtool flags them); nodejs_active_handles{type} and the
      // like carry the same numbers per type, so the totals are dropped, not renamed.
      for (const name of MISNAMED_DEFAULT_GAUGES) this.registry.removeSingleMetric(name);
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): CounterMetric<L> {
    const bound: Array<{ labels: Labels<L>; handle: { pending: number; inc(value?: number): void } }> = [];
    const counter: prom.Counter<L> = new prom.Counter<L>({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
      collect: () => {
        for (const { labels, handle } of bound) {
          if (handle.pending > 0) {
            counter.inc(labels, handle.pending);
            handle.pending = 0;
          }
        }
      },
    });
    return {
      inc: (labels?: Labels<L>, value?: number) => (labels ? counter.inc(labels, value ?? 1) : counter.inc(value ?? 1)),
      bind: (labels: Labels<L>) => {
        const handle = {
          pending: 0,
          inc(value = 1): void {
            this.pending += value;
          },
        };
        bound.push({ labels, handle });
        return handle;
      },
    };
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = [], collect?: (gauge: GaugeMetric<L>) => void): GaugeMetric<L> {
    const gauge: prom.Gauge<L> = new prom.Gauge<L>({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
      ...(collect ? { collect: () => collect(gauge) } : {}),
    });
    return gauge;
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]): HistogramMetric<L> {
    return new prom.Histogram<L>({ name, help, labelNames: [...labelNames], buckets: [...buckets], registers: [this.registry] });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

export function createMetricsRegistry(options: { defaultLabels?: Record<string, string>; processMetrics?: boolean } = {}): MetricsRegistry {
  return new PromMetricsRegistry(options.defaultLabels ?? {}, options.processMetrics ?? true);
}
