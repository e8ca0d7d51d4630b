/**
 * The series of one metric, one per set of label values, each made on first use: what
 * `BucketHistogram` and `SeriesCounter` keep, so that their callers look a series up once
 * and then count into it directly.
 */
export class SeriesByLabels<Series> {
  /** Series by label values, one Map level per label (no key string built per lookup). */
  readonly #root = new Map<string, unknown>();
  readonly #unlabelled: Series | undefined;
  readonly #metricName: string;
  readonly #labelNames: readonly string[];
  readonly #make: (labels: Record<string, string>) => Series;
  readonly #made: Series[] = [];

  constructor(
    metricName: string,
    labelNames: readonly string[],
    make: (labels: Record<string, string>) => Series,
  ) {
    this.#metricName = metricName;
    this.#labelNames = labelNames;
    this.#make = make;
    // As prom-client's: a metric without labels exports its one series (0) before any count.
    if (labelNames.length === 0) this.#unlabelled = this.#madeFor([]);
  }

  /** The series of these label values, given in `labelNames` order. */
  of(values: readonly string[]): Series {
    const last = this.#labelNames.length - 1;
    if (values.length !== last + 1) {
      throw new TypeError(`${this.#metricName}: ${last + 1} label values expected`);
    }
    if (last < 0) return this.#unlabelled as Series;
    let level = this.#root;
    for (let i = 0; i < last; i++) {
      const value = values[i] as string;
      let next = level.get(value) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(value, next);
      }
      level = next;
    }
    let series = level.get(values[last] as string) as Series | undefined;
    if (series === undefined) {
      series = this.#madeFor(values);
      level.set(values[last] as string, series);
    }
    return series;
  }

  /** Every series made so far, in the order they were made. */
  all(): readonly Series[] {
    return this.#made;
  }

  #madeFor(values: readonly string[]): Series {
    const labels: Record<string, string> = {};
    this.#labelNames.forEach((name, i) => {
      labels[name] = values[i] as string;
    });
    const series = this.#make(labels);
    this.#made.push(series);
    return series;
  }
}
