import type { Registry } from 'prom-client';
import { SeriesByLabels } from './series-by-labels.ts';

/** One labelled series of a `BucketHistogram`, made once and kept by its caller. */
export interface HistogramSeries {
  observe(value: number): void;
}

export interface BucketHistogramOptions<Label extends string> {
  name: string;
  help: string;
  labelNames: readonly Label[];
  /** Upper bounds, ascending (`+Inf` is added). */
  buckets: readonly number[];
  registers: readonly Registry[];
}

interface Series {
  labels: Record<string, string>;
  /** Per bucket (not cumulative), the last one `+Inf`. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram that prom-client's registry exports like its own (`get()` answers the
 * same values: `_bucket` per bound, `_sum`, `_count`), recording an observation as a few
 * additions into the series its caller keeps. prom-client's `Histogram.observe` checks the
 * labels and builds their hash string on every call, the labelled child too: on the
 * provider's hot path (a store operation, an HTTP request) that was a measurable share of a
 * "continue as" login (bench/, section observability).
 */
export class BucketHistogram<Label extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly labelNames: readonly Label[];
  readonly #bounds: readonly number[];
  readonly #series: SeriesByLabels<Series>;

  constructor(options: BucketHistogramOptions<Label>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    this.#bounds = options.buckets;
    this.#series = new SeriesByLabels(options.name, options.labelNames, (labels) => ({
      labels,
      counts: new Array(options.buckets.length + 1).fill(0),
      sum: 0,
      count: 0,
    }));
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  /** The series of these label values (in `labelNames` order), made on first use. */
  labels(...values: string[]): HistogramSeries {
    const found = this.#series.of(values);
    const bounds = this.#bounds;
    return {
      observe(value) {
        let i = 0;
        while (i < bounds.length && value > (bounds[i] as number)) i++;
        found.counts[i] = (found.counts[i] ?? 0) + 1;
        found.sum += value;
        found.count += 1;
      },
    };
  }

  /** What prom-client's registry reads to export (the shape of `Histogram.get()`). */
  async get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const series of this.#series.all()) {
      let cumulative = 0;
      this.#bounds.forEach((bound, i) => {
        cumulative += series.counts[i] as number;
        values.push({
          labels: { le: bound, ...series.labels },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push({
        labels: { le: '+Inf', ...series.labels },
        value: series.count,
        metricName: `${this.name}_bucket`,
      });
      values.push({ labels: { ...series.labels }, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...series.labels }, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** Zeroes every series (prom-client's `registry.resetMetrics()`); callers keep their handles. */
  reset(): void {
    for (const series of this.#series.all()) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}
