/**
 * The series of one metric, one per set of label values, each made on first use: what
 * `BucketHistogram` and `SeriesCounter` keep, so that their callers look a series up once
 * and then count into it directly.
 */
export class SeriesByLabels<Series> {
  readonly #series = new Map<string, Series>();
  readonly #metricName: string;
  readonly #labelNames: readonly string[];
  readonly #make: (labels: Record<string, string>) => Series;

  constructor(
    metricName: string,
    labelNames: readonly string[],
    make: (labels: Record<string, string>) => Series,
  ) {
    this.#metricName = metricName;
    this.#labelNames = labelNames;
    this.#make = make;
  }

  /** The series of these label values, given in `labelNames` order. */
  of(values: readonly string[]): Series {
    if (values.length !== this.#labelNames.length) {
      throw new TypeError(`${this.#metricName}: ${this.#labelNames.length} label values expected`);
    }
    const key = values.join('\u0000');
    let series = this.#series.get(key);
    if (series === undefined) {
      const labels: Record<string, string> = {};
      this.#labelNames.forEach((name, i) => {
        labels[name] = values[i] as string;
      });
      series = this.#make(labels);
      this.#series.set(key, series);
    }
    return series;
  }

  all(): IterableIterator<Series> {
    return this.#series.values();
  }
}
