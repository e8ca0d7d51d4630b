import assert from 'node:assert/strict';
import type { Registry } from 'prom-client';

/**
 * The sum of a metric's series whose labels include `labels` (0 when none has been counted
 * yet): what the metrics tests of the provider and the client read.
 */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric, `no metric ${name}`);
  const { values } = await metric.get();
  return values
    .filter((entry) =>
      Object.entries(labels).every(([key, expected]) => String(entry.labels[key]) === expected),
    )
    .reduce((sum, entry) => sum + entry.value, 0);
}
