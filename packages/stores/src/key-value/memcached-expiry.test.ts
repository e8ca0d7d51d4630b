import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memcachedExpiry } from './memcached-key-value-store.ts';

const now = Date.UTC(2030, 0, 1);
const thirtyDays = 30 * 24 * 3600;

describe('memcachedExpiry()', () => {
  it('rounds a TTL up to whole seconds and adds one, so an entry never dies early', () => {
    assert.equal(memcachedExpiry(1, now), 2);
    assert.equal(memcachedExpiry(0.3, now), 2);
    assert.equal(memcachedExpiry(240, now), 241);
    assert.equal(memcachedExpiry(thirtyDays - 1, now), thirtyDays);
  });

  it('sends a TTL past 30 days as a Unix time, which is how memcached reads such numbers', () => {
    assert.equal(memcachedExpiry(thirtyDays, now), now / 1000 + thirtyDays + 1);
    assert.equal(memcachedExpiry(40 * 24 * 3600, now), now / 1000 + 40 * 24 * 3600 + 1);
  });

  it('caps an enormous TTL at the latest time memcached can hold', () => {
    assert.equal(memcachedExpiry(1e12, now), 0xfffffffe);
  });
});
