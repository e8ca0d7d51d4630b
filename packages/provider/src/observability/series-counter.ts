import type { Registry } from 'prom-client';
import { SeriesByLabels } from './series-by-labels.ts';

/** One labelled series of a `SeriesCounter`, made once and kept by its caller. */
export interface CounterSeries {
  inc(): void;
}

export interface SeriesCounterOptions<Label extends string> {
  name: string;
  help: string;
  labelNames?: readonly Label[];
  registers: readonly Registry[];
}

/** A series is its own handle: `labels(...)` answers it without making an object per count. */
class Series implements CounterSeries {
  value = 0;
  readonly labels: Record<string, string>;

  constructor(labels: Record<string, string>) {
    this.labels = labels;
  }

  inc(): void {
    this.value += 1;
  }
}

/**
 * A Prometheus counter that prom-client's registry exports like its own `Counter` (`get()`
 * answers the same values), counting into the series its caller keeps. prom-client's
 * `inc({ ... })` validates the labels and builds their hash string on every call, and its
 * `labels()` child does the same: five counts per "continue as" login on the provider's hot
 * path (bench/, section observability). As `BucketHistogram` does for histograms.
 */
export class SeriesCounter<Label extends string = never> {
  readonly name: string;
  readonly help: string;
  readonly type = 'counter';
  readonly aggregator = 'sum';
  readonly labelNames: readonly Label[];
  readonly #series: SeriesByLabels<Series>;

  constructor(options: SeriesCounterOptions<Label>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? [];
    this.#series = new SeriesByLabels(options.name, this.labelNames, (labels) => new Series(labels));
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  /** The series of these label values (in `labelNames` order), made on first use. */
  labels(...values: string[]): CounterSeries {
    return this.#series.of(values);
  }

  /** What prom-client's registry reads to export (the shape of `Counter.get()`). */
  async get() {
    const values = this.#series.all().map((series) => ({
      labels: { ...series.labels },
      value: series.value,
    }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** Zeroes every series (prom-client's `registry.resetMetrics()`); callers keep their handles. */
  reset(): void {
    for (const series of this.#series.all()) series.value = 0;
  }
}
