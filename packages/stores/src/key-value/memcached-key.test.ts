import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMemcachedKeyPrefix, MEMCACHED_MAX_KEY_BYTES, memcachedKey } from './memcached-key.ts';

const acceptable = (key: string) =>
  /^[\x21-\x7e]+$/.test(key) && Buffer.byteLength(key) <= MEMCACHED_MAX_KEY_BYTES;

describe('memcachedKey()', () => {
  it('keeps a key memcached accepts as it is, after the prefix', () => {
    assert.equal(memcachedKey('app:', 'sso_user_42'), 'app:sso_user_42');
    assert.equal(memcachedKey('', 'token:AbC-_.~'), 'token:AbC-_.~');
  });

  it('hashes keys with spaces, control characters, non-ASCII characters or too many bytes', () => {
    for (const key of ['with space', 'new\nline', 'ünïcødé', '🔑', 'x'.repeat(250), '\u0000']) {
      const encoded = memcachedKey('app:', key);
      assert.match(encoded, /^app:sha256:[A-Za-z0-9_-]{43}$/, JSON.stringify(key));
      assert.ok(acceptable(encoded));
    }
  });

  it('hashes a key that only becomes too long with the prefix', () => {
    const key = 'k'.repeat(240);
    assert.equal(memcachedKey('', key), key);
    assert.match(memcachedKey('a-long-prefix:', key), /^a-long-prefix:sha256:/);
  });

  it('hashes a key that looks like a hashed key, so the two can never collide', () => {
    const hashed = memcachedKey('', 'with space');
    assert.notEqual(memcachedKey('', hashed), hashed);
  });

  it('gives different keys different memcached keys, even when they share a long beginning', () => {
    const long = 'x'.repeat(1000);
    assert.notEqual(memcachedKey('', `${long}a`), memcachedKey('', `${long}b`));
    assert.notEqual(memcachedKey('', 'a b'), memcachedKey('', 'a  b'));
  });
});

describe('assertMemcachedKeyPrefix()', () => {
  it('refuses a prefix memcached could not store, naming the option', () => {
    for (const bad of ['has space:', 'ünï:', 'x'.repeat(101)]) {
      assert.throws(() => assertMemcachedKeyPrefix(bad, 'keyPrefix'), /keyPrefix must be/);
    }
    assert.doesNotThrow(() => assertMemcachedKeyPrefix('ssokit:', 'keyPrefix'));
  });
});
