import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KeyValueStore, memoryKeyValueStore } from '@ssokit/stores';
import { loginRateLimiter, type RateLimitVerdict, type SignInReservation } from './login-rate-limiter.ts';

function reservationOf(verdict: RateLimitVerdict): SignInReservation {
  assert.ok(verdict.allowed, 'the attempt was allowed');
  return verdict.reservation;
}

describe('loginRateLimiter()', () => {
  it('gives every slot back on release(), once however often it is settled', async () => {
    const limiter = loginRateLimiter(memoryKeyValueStore(), { perAccountAndAddress: 2 });
    const first = reservationOf(await limiter.begin('owner', '192.0.2.1'));
    await first.failed();
    await first.release(); // already settled: keeps the failure
    const second = reservationOf(await limiter.begin('owner', '192.0.2.1'));
    await second.release();
    await second.release();
    const third = reservationOf(await limiter.begin('owner', '192.0.2.1'));
    await third.failed();
    assert.deepEqual(await limiter.begin('owner', '192.0.2.1'), { allowed: false, retryAfterSeconds: 900 });
  });

  it('refuses after waiting when the slots stay held by attempts that never finish', async () => {
    const limiter = loginRateLimiter(memoryKeyValueStore(), { perAccountAndAddress: 1 });
    reservationOf(await limiter.begin('owner', '192.0.2.2'));
    // Refused for a moment only (Retry-After 1 s), not for the window: nothing failed yet.
    assert.deepEqual(await limiter.begin('owner', '192.0.2.2'), { allowed: false, retryAfterSeconds: 1 });
  });

  it('takes no slot when the store fails for one limit: the others are given back', async () => {
    const store = memoryKeyValueStore();
    let failAccount = true;
    // The real store, failing one operation the way an outage in the middle would.
    const flaky: KeyValueStore = {
      ...store,
      get: (key) => store.get(key),
      decrement: (key) => store.decrement(key),
      increment: (key, ttl) =>
        failAccount && key.includes(':limit:account:')
          ? Promise.reject(new Error('store went away'))
          : store.increment(key, ttl),
    };
    const limiter = loginRateLimiter(flaky, { perAddress: 1, perAccountAndAddress: 1 });
    await assert.rejects(limiter.begin('owner', '192.0.2.3'), /store went away/);
    failAccount = false;
    const reservation = reservationOf(await limiter.begin('owner', '192.0.2.3'));
    await reservation.failed();
  });
});
