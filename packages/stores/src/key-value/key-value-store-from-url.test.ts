import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
        /memory:, redis:\/\/, rediss:\/\/, memcached:\/\/, sqlite:, postgres:\/\/, postgresql:\/\/, mysql:\/\/ or mariadb:\/\//.test(
          error.message,
        ) &&
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

  it('opens a SQL store for sqlite: URLs, shared for a file and per process for :memory:', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ssokit-kv-url-'));
    try {
      const file = keyValueStoreFromUrl(`sqlite:${join(folder, 'kv.sqlite')}`);
      const memory = keyValueStoreFromUrl('sqlite::memory:');
      assert.equal(file.shared, true);
      assert.equal(memory.shared, false);
      for (const store of [file, memory]) {
        await store.set('k', 'v', 60);
        assert.equal(await store.get('k'), 'v');
        await store.close();
      }
      // The entry is in the file, where another connection (another process) finds it.
      const again = keyValueStoreFromUrl(`sqlite:${join(folder, 'kv.sqlite')}`);
      assert.equal(await again.get('k'), 'v');
      await again.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
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
