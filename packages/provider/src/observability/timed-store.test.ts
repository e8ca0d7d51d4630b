import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricValue } from '../../test/support/metric-value.ts';
import { providerMetrics } from './provider-metrics.ts';
import { timedStore } from './timed-store.ts';

class CountingStore {
  readonly #values = new Map<string, string>();
  shared = true;
  get size(): number {
    return this.#values.size;
  }
  async set(key: string, value: string): Promise<void> {
    this.#values.set(key, value);
  }
  async get(key: string): Promise<string | undefined> {
    if (key === 'broken') throw new Error('store down');
    return this.#values.get(key);
  }
  keys(): string[] {
    return [...this.#values.keys()];
  }
}

const DURATION = 'ssokit_provider_store_operation_duration_seconds';

describe('timedStore', () => {
  it('times the named methods, counts their failures, and passes the rest through to the store', async () => {
    const metrics = providerMetrics({ processMetrics: false });
    const store = new CountingStore();
    const timed = timedStore(store, 'key_value', metrics, ['get', 'set']);
    await timed.set('a', '1');
    assert.equal(await timed.get('a'), '1');
    await assert.rejects(timed.get('broken'), /store down/);
    // Untimed: a method of the class (private fields work), a getter, a field (live both ways).
    assert.deepEqual(timed.keys(), ['a']);
    assert.equal(timed.size, 1);
    timed.shared = false;
    assert.equal(store.shared, false);
    assert.ok(timed instanceof CountingStore);
    const calls = async (operation: string) =>
      (await metrics.registry.getSingleMetric(DURATION)?.get())?.values.find(
        (v) =>
          (v as { metricName?: string }).metricName === `${DURATION}_count` &&
          v.labels.operation === operation,
      )?.value;
    assert.equal(await calls('get'), 2);
    assert.equal(await calls('set'), 1);
    assert.equal(await calls('keys'), undefined);
    assert.equal(
      await metricValue(metrics.registry, 'ssokit_provider_store_operation_errors_total', {
        operation: 'get',
      }),
      1,
    );
  });

  it('is the store itself without metrics', () => {
    const store = new CountingStore();
    assert.equal(timedStore(store, 'key_value', undefined, ['get']), store);
  });
});
