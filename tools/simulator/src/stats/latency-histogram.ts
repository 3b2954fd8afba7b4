/** Buckets per doubling: quantiles are exact to within ~9 %. */
const BUCKETS_PER_OCTAVE = 8;
/** 1 us .. ~4.6 h in microseconds. */
const BUCKET_COUNT = 34 * BUCKETS_PER_OCTAVE;

/**
 * A log-scale latency histogram in microseconds. Fixed buckets so that worker processes can send
 * theirs to the parent and the parent can add them up for fleet-wide p50/p99.
 */
export class LatencyHistogram {
  readonly counts: number[];
  total = 0;

  constructor(counts?: readonly number[]) {
    this.counts = counts ? [...counts] : new Array<number>(BUCKET_COUNT).fill(0);
    this.total = this.counts.reduce((sum, count) => sum + count, 0);
  }

  recordMs(milliseconds: number): void {
    const micros = Math.max(1, milliseconds * 1000);
    const bucket = Math.min(BUCKET_COUNT - 1, Math.floor(Math.log2(micros) * BUCKETS_PER_OCTAVE));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.total += 1;
  }

  merge(other: { readonly counts: readonly number[] }): void {
    other.counts.forEach((count, bucket) => {
      this.counts[bucket] = (this.counts[bucket] ?? 0) + count;
      this.total += count;
    });
  }

  /** The q-quantile in ms (upper edge of its bucket), or undefined with no samples. */
  quantileMs(q: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let bucket = 0; bucket < this.counts.length; bucket++) {
      seen += this.counts[bucket] ?? 0;
      if (seen >= rank) return 2 ** ((bucket + 1) / BUCKETS_PER_OCTAVE) / 1000;
    }
    return undefined;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }
}
