import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyValueStoreFromUrl } from './key-value-store-from-url.ts';

describe('keyValueStoreFromUrl()', () => {
  it('opens a per-process memory store for no URL, an empty one, memory: and memory://', async () => {
    for (const url of [undefined, '', 'memory:', 'memory://']) {
      const store = keyValueStoreFromUrl(url);
      assert.equal(store.shared, false);
      await store.set('k', 'v', 60);
      assert.equal(await store.get('k'), 'v');
      await store.close();
    }
  });

  it('refuses an unknown scheme with a TypeError that lists the schemes and hides the password', () => {
    assert.throws(
      () => keyValueStoreFromUrl('mongodb://admin:hunter2-secret@db:27017'),
      (error: unknown) =>
        error instanceof TypeError &&
        /memory:, redis:\/\/, rediss:\/\/ or memcached:\/\//.test(error.message) &&
        error.message.includes('mongodb://admin:***@db:27017') &&
        !error.message.includes('hunter2-secret'),
    );
  });

  it('refuses a malformed memcached URL, naming the expected form', () => {
    assert.throws(
      () => keyValueStoreFromUrl('memcached://host:port:extra'),
      /memcached:\/\/\[user:password@\]host/,
    );
    assert.throws(() => keyValueStoreFromUrl('memcached://'), TypeError);
  });

  it('refuses a malformed Redis URL without opening a connection', () => {
    assert.throws(() => keyValueStoreFromUrl('redis://:pw@[bad'), /not a valid URL/);
  });

  it('refuses a timeout that is not a positive number, naming the option', () => {
    assert.throws(() => keyValueStoreFromUrl('memory:', { operationTimeoutMs: 0 }), /operationTimeoutMs/);
    assert.throws(() => keyValueStoreFromUrl('memory:', { connectTimeoutMs: -1 }), /connectTimeoutMs/);
  });

  it('opens shared stores for redis:// and memcached:// URLs, and close() releases them', async () => {
    // Nothing needs to listen: connections are made in the background and closed at once.
    for (const url of ['redis://127.0.0.1:1', 'memcached://127.0.0.1:1']) {
      const store = keyValueStoreFromUrl(url);
      assert.equal(store.shared, true);
      await store.close();
    }
  });
});
