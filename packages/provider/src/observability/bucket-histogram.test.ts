import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { BucketHistogram } from './bucket-histogram.ts';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVED: [string, string, number][] = [
  ['sso_login', '200', 0.0004],
  ['sso_login', '200', 0.001],
  ['sso_login', '302', 0.05],
  ['authtoken', '200', 0.5],
  ['authtoken', '200', 7],
];

describe('BucketHistogram', () => {
  it("exports the same Prometheus text as prom-client's Histogram for the same observations", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const options = { name: 'h_seconds', help: 'a histogram', labelNames: ['route', 'status'] as const };
    const bucketHistogram = new BucketHistogram({ ...options, buckets: BUCKETS, registers: [ours] });
    const histogram = new Histogram({ ...options, buckets: BUCKETS, registers: [theirs] });
    for (const [route, status, seconds] of OBSERVED) {
      bucketHistogram.labels(route, status).observe(seconds);
      histogram.observe({ route, status }, seconds);
    }
    assert.equal(await ours.metrics(), await theirs.metrics());
    assert.match(await ours.metrics(), /h_seconds_bucket\{le="0.001",route="sso_login",status="200"\} 2/);
  });

  it('keeps one series per label set, zeroed by the registry, and refuses a wrong number of labels', async () => {
    const registry = new Registry();
    const histogram = new BucketHistogram({
      name: 'h2_seconds',
      help: 'another',
      labelNames: ['store'],
      buckets: BUCKETS,
      registers: [registry],
    });
    const kept = histogram.labels('accounts');
    kept.observe(0.002);
    histogram.labels('accounts').observe(0.003);
    const count = async () =>
      (await histogram.get()).values.find((v) => v.metricName === 'h2_seconds_count')?.value;
    assert.equal(await count(), 2);
    registry.resetMetrics();
    assert.equal(await count(), 0);
    kept.observe(0.002);
    assert.equal(await count(), 1);
    assert.throws(() => histogram.labels('a', 'b'), /1 label values expected/);
  });
});
