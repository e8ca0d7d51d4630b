import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { memoryReplayGuard } from './memory-replay-guard.ts';

describe('memoryReplayGuard()', () => {
  it('refuses an id for at least its TTL, and accepts it again after twice the TTL', async () => {
    let now = 1_000_000;
    const guard = memoryReplayGuard({ now: () => now });
    const id = randomBytes(32);
    assert.equal(guard.addBytes(id, 600), true);
    assert.equal(guard.addBytes(id, 600), false);
    for (const step of [100_000, 200_000, 299_999]) {
      now += step;
      assert.equal(guard.addBytes(randomBytes(32), 600), true);
      assert.equal(guard.addBytes(id, 600), false, `still refused ${now - 1_000_000} ms later`);
    }
    now = 1_000_000 + 1_200_000;
    assert.equal(guard.addBytes(id, 600), true);
  });

  it('refuses a repeated string key through add(), as a shared store would', async () => {
    const guard = memoryReplayGuard();
    assert.equal(await guard.add('k1:signature', '1', 600), true);
    assert.equal(await guard.add('k1:signature', '1', 600), false);
    assert.equal(await guard.add('k2:signature', '1', 600), true);
  });

  it('keeps no more than two windows of traffic', async () => {
    let now = 0;
    const guard = memoryReplayGuard({ now: () => now });
    for (let index = 0; index < 1000; index++) guard.addBytes(randomBytes(16), 10);
    assert.equal(guard.size, 1000);
    now += 10_000;
    guard.addBytes(randomBytes(16), 10);
    assert.equal(guard.size, 1001);
    now += 10_000;
    guard.addBytes(randomBytes(16), 10);
    assert.equal(guard.size, 2);
    now += 25_000;
    guard.addBytes(randomBytes(16), 10);
    assert.equal(guard.size, 1);
  });

  it('never holds more than maxEntries, forgetting the older window first', () => {
    const guard = memoryReplayGuard({ maxEntries: 10, now: () => 0 });
    const first = randomBytes(16);
    guard.addBytes(first, 60);
    for (let index = 0; index < 100; index++) {
      guard.addBytes(randomBytes(16), 60);
      assert.ok(guard.size <= 10);
    }
    assert.equal(guard.addBytes(first, 60), true);
  });

  it('holds many entries in its table without losing any', () => {
    const guard = memoryReplayGuard({ now: () => 0 });
    const ids = Array.from({ length: 20_000 }, () => randomBytes(16));
    for (const id of ids) assert.equal(guard.addBytes(id, 60), true);
    for (const id of ids) assert.equal(guard.addBytes(id, 60), false);
    assert.equal(guard.size, 20_000);
  });

  it('refuses a bad maxEntries, a bad TTL and an id shorter than 16 bytes', () => {
    assert.throws(() => memoryReplayGuard({ maxEntries: 1 }), /maxEntries/);
    assert.throws(() => memoryReplayGuard().addBytes(randomBytes(16), 0), /ttlSeconds/);
    assert.throws(() => memoryReplayGuard().addBytes(randomBytes(8), 10), /16 bytes/);
  });
});
