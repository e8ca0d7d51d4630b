import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { SeriesCounter } from './series-counter.ts';

describe('SeriesCounter', () => {
  it("exports the same Prometheus text as prom-client's Counter for the same counts", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const labelled = { name: 'calls_total', help: 'calls', labelNames: ['endpoint', 'outcome'] as const };
    const plain = { name: 'tokens_total', help: 'tokens' };
    const ourCalls = new SeriesCounter({ ...labelled, registers: [ours] });
    const theirCalls = new Counter({ ...labelled, registers: [theirs] });
    const ourTokens = new SeriesCounter({ ...plain, registers: [ours] });
    new Counter({ ...plain, registers: [theirs] });
    new SeriesCounter({ name: 'idle_total', help: 'never counted', labelNames: ['why'], registers: [ours] });
    new Counter({ name: 'idle_total', help: 'never counted', labelNames: ['why'], registers: [theirs] });
    assert.equal(await ours.metrics(), await theirs.metrics(), 'before any count');
    for (const [endpoint, outcome] of [
      ['authtoken', 'ok'],
      ['authtoken', 'ok'],
      ['requesttoken', 'BAD_SIGNATURE'],
    ] as const) {
      ourCalls.labels(endpoint, outcome).inc();
      theirCalls.inc({ endpoint, outcome });
    }
    ourTokens.labels().inc();
    (theirs.getSingleMetric('tokens_total') as Counter).inc();
    assert.equal(await ours.metrics(), await theirs.metrics());
    assert.match(await ours.metrics(), /calls_total\{endpoint="authtoken",outcome="ok"\} 2/);
  });

  it('keeps one series per label set, zeroed by the registry, and refuses a wrong number of labels', async () => {
    const registry = new Registry();
    const counter = new SeriesCounter({
      name: 'c_total',
      help: 'c',
      labelNames: ['via'],
      registers: [registry],
    });
    const kept = counter.labels('sso');
    kept.inc();
    counter.labels('sso').inc();
    const value = async () => (await counter.get()).values.find((v) => v.labels.via === 'sso')?.value;
    assert.equal(await value(), 2);
    registry.resetMetrics();
    assert.equal(await value(), 0);
    kept.inc();
    assert.equal(await value(), 1);
    assert.throws(() => counter.labels(), /1 label values expected/);
  });
});
