import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryReplayGuard } from './memory-replay-guard.ts';

describe('memoryReplayGuard()', () => {
  it('refuses a key it has seen until the key expires', async () => {
    let now = 1_000_000;
    const guard = memoryReplayGuard({ now: () => now });
    assert.equal(await guard.add('k:sig', '1', 600), true);
    assert.equal(await guard.add('k:sig', '1', 600), false);
    now += 599_999;
    assert.equal(await guard.add('k:sig', '1', 600), false);
    now += 1;
    assert.equal(await guard.add('k:sig', '1', 600), true);
  });

  it('drops expired entries as new ones arrive, so memory follows the traffic of one window', async () => {
    let now = 0;
    const guard = memoryReplayGuard({ now: () => now });
    for (let index = 0; index < 1000; index++) await guard.add(`old-${index}`, '1', 10);
    assert.equal(guard.size, 1000);
    now += 10_000;
    await guard.add('new', '1', 10);
    assert.equal(guard.size, 1);
  });

  it('never holds more than maxEntries, evicting the oldest', async () => {
    const guard = memoryReplayGuard({ maxEntries: 3, now: () => 0 });
    for (const key of ['a', 'b', 'c', 'd']) assert.equal(await guard.add(key, '1', 60), true);
    assert.equal(guard.size, 3);
    assert.equal(await guard.add('d', '1', 60), false);
    assert.equal(await guard.add('a', '1', 60), true);
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    assert.throws(() => memoryReplayGuard({ maxEntries: 0 }), /maxEntries/);
  });
});
