import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoreLogger } from '../store-logger.ts';
import { GET_NOW, getNowOf } from './key-value-store.ts';
import { memoryKeyValueStore } from './memory-key-value-store.ts';

function recordingLogger(): StoreLogger & { warnings: { details: object; message: string }[] } {
  const warnings: { details: object; message: string }[] = [];
  return { warnings, warn: (details, message) => warnings.push({ details, message }) };
}

async function presentKeys(store: ReturnType<typeof memoryKeyValueStore>, keys: string[]): Promise<string[]> {
  const present: string[] = [];
  for (const key of keys) if ((await store.get(key)) !== undefined) present.push(key);
  return present;
}

describe('memoryKeyValueStore({ maxEntries })', () => {
  it('evicts the least recently written entry when a new key arrives at the bound', async () => {
    const store = memoryKeyValueStore({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) await store.set(key, key, 60);
    await store.set('d', 'd', 60);
    assert.equal(store.size, 3);
    assert.deepEqual(await presentKeys(store, ['a', 'b', 'c', 'd']), ['b', 'c', 'd']);
    await store.close();
  });

  it('counts a rewrite, an add or an increment as a write, and a read or a failed add not', async () => {
    const store = memoryKeyValueStore({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) await store.set(key, '1', 60);
    await store.set('a', 'again', 60); // a is now the newest: b is the oldest
    assert.equal(await store.get('b'), '1'); // reading b does not save it
    assert.equal(await store.add('c', 'x', 60), false); // nor does a refused add of c
    await store.set('d', '1', 60);
    assert.deepEqual(await presentKeys(store, ['a', 'b', 'c', 'd']), ['a', 'c', 'd']);
    // c was the oldest; the increment makes it the newest, and a the oldest.
    assert.equal(await store.increment('c', 60), 2);
    assert.equal(await store.add('e', '1', 60), true);
    assert.deepEqual(await presentKeys(store, ['a', 'c', 'd', 'e']), ['c', 'd', 'e']);
    await store.close();
  });

  it('writes to existing keys and writes after take() or delete() evict nothing', async () => {
    const store = memoryKeyValueStore({ maxEntries: 2 });
    await store.set('a', '1', 60);
    await store.set('b', '1', 60);
    await store.set('a', '2', 60);
    await store.set('b', '2', 60);
    assert.equal(await store.take('a'), '2');
    await store.set('c', '1', 60);
    await store.delete('b');
    await store.set('d', '1', 60);
    assert.deepEqual(await presentKeys(store, ['a', 'b', 'c', 'd']), ['c', 'd']);
    await store.close();
  });

  it('warns once per store when eviction starts, and not before', async () => {
    const logger = recordingLogger();
    const store = memoryKeyValueStore({ maxEntries: 2, logger });
    await store.set('a', '1', 60);
    await store.set('b', '1', 60);
    await store.set('b', '2', 60);
    assert.equal(logger.warnings.length, 0, 'a full store that evicts nothing stays quiet');
    for (let i = 0; i < 10; i++) await store.set(`flood-${i}`, '1', 60);
    assert.equal(logger.warnings.length, 1);
    assert.match(logger.warnings[0]?.message ?? '', /memory store is full/);
    assert.deepEqual(logger.warnings[0]?.details, { store: 'memory', maxEntries: 2 });
    const other = memoryKeyValueStore({ maxEntries: 1, logger });
    await other.set('a', '1', 60);
    await other.set('b', '1', 60);
    assert.equal(logger.warnings.length, 2, 'another store warns for itself');
    await store.close();
    await other.close();
  });

  it('refuses a maxEntries that is not a positive integer, naming the option', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => memoryKeyValueStore({ maxEntries }), /maxEntries must be a positive integer/);
    }
  });
});

describe('memoryKeyValueStore synchronous get (GET_NOW)', () => {
  it('answers what get() answers, without a promise, and nothing once expired', async () => {
    let now = 1_000;
    const store = memoryKeyValueStore({ now: () => now });
    const getNow = getNowOf(store);
    assert.ok(getNow !== undefined);
    await store.set('k', 'v', 10);
    assert.equal(getNow('k'), 'v');
    assert.equal(getNow('absent'), undefined);
    now += 10_000;
    assert.equal(getNow('k'), undefined);
    assert.equal(await store.get('k'), undefined);
    await store.close();
  });

  it('is absent from a store that does not offer it', () => {
    const { [GET_NOW]: _dropped, ...withoutGetNow } = memoryKeyValueStore();
    assert.equal(getNowOf({ ...withoutGetNow, shared: true }), undefined);
  });
});
