import { Counter, type CounterConfiguration, type LabelValues, type Registry } from "prom-client";

/**
 * Metrics the proxy touches on every message. prom-client hashes a child's labels again on each
 * `inc()` and walks a histogram's buckets through a label map on each `observe()`: 3–4 % of the
 * gateway's CPU in a profile of the SMPP bench. Here the per-message work is a number added in
 * place, and prom-client gets the totals when it is read (a scrape, a test's `get()`), through the
 * metric's collect hook. What a scrape shows is the same: counts are exact when read.
 */

/** A counter whose children count in plain numbers until the counter is read. */
export type BatchedCounter<L extends string> = Counter<L> & {
  /** The child for these labels (one per label set, made on first use); its `inc()` adds 1 locally. */
  batched(labels: LabelValues<L>): { inc(): void };
};

export function batchedCounter<L extends string>(config: CounterConfiguration<L>): BatchedCounter<L> {
  const children = new Map<string, { labels: LabelValues<L>; pending: number; inc(): void }>();
  const counter = new Counter<L>({
    ...config,
    collect(this: Counter<L>) {
      for (const child of children.values()) {
        if (child.pending === 0) continue;
        this.inc(child.labels, child.pending);
        child.pending = 0;
      }
    },
  });
  return Object.assign(counter, {
    batched(labels: LabelValues<L>) {
      const key = JSON.stringify(labels);
      let child = children.get(key);
      if (!child) {
        const made = {
          labels,
          pending: 0,
          inc() {
            made.pending++;
          },
        };
        children.set(key, (child = made));
      }
      return child;
    },
  });
}

/**
 * A histogram without labels whose `observe()` is an array increment. It implements the metric
 * interface prom-client's Registry reads (`get()`, `reset()`), so it is exposed as any histogram:
 * cumulative `_bucket{le}` series, `+Inf`, `_sum` and `_count`.
 */
export class HotHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    this.counts = new Float64Array(buckets.length + 1);
    registry.registerMetric(this as never);
  }

  /** Counts the value in the first bucket whose bound it does not exceed (Prometheus `le`). */
  observe(value: number): void {
    const buckets = this.buckets;
    let index = 0;
    while (index < buckets.length && value > buckets[index]!) index++;
    this.counts[index]!++;
    this.sum += value;
    this.count++;
  }

  get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    let cumulative = 0;
    for (let index = 0; index < this.buckets.length; index++) {
      cumulative += this.counts[index]!;
      values.push({ labels: { le: this.buckets[index]! }, value: cumulative, metricName: `${this.name}_bucket` });
    }
    values.push({ labels: { le: "+Inf" }, value: this.count, metricName: `${this.name}_bucket` });
    values.push({ labels: {}, value: this.sum, metricName: `${this.name}_sum` });
    values.push({ labels: {}, value: this.count, metricName: `${this.name}_count` });
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}
