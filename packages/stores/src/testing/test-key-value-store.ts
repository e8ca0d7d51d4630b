import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { KeyValueStore } from '../key-value/key-value-store.ts';
import { eventually } from './eventually.ts';

export interface TestKeyValueStoreOptions {
  /** Skips the whole suite, with this reason (e.g. from `skipUnlessServiceRuns`). @default false */
  skip?: string | boolean;
  /**
   * Longest wait for an entry with a 1-second TTL to disappear. Memcached counts whole
   * seconds (ssokit adds one so entries never die early), so allow a few seconds.
   * @default 5000
   */
  expiryWithinMs?: number;
  /**
   * The clock the store was made with (the `now` option of `memoryKeyValueStore` and
   * `sqlKeyValueStore`, see {@link testClock}): the expiry tests then move it instead of
   * waiting, and check the exact moment an entry goes. Without one the store runs on its
   * server's time (Redis, Memcached) and one test waits for real expiries.
   * @default undefined
   */
  clock?: TestClock;
  /**
   * Whether a store without a `clock` runs the real-time expiry test (about 1 to 3 seconds).
   * Turn it off on a second suite of the same store code and server, so each networked store
   * waits once.
   * @default true
   */
  realTimeExpiry?: boolean;
}

/** A clock the test moves by hand; give `now` to the store and the clock to the suite. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

/** A {@link TestClock} that starts at the real time and moves only when told. */
export function testClock(start: number = Date.now()): TestClock {
  let at = start;
  return {
    now: () => at,
    advance: (ms: number) => {
      at += ms;
    },
  };
}

/**
 * The conformance suite every `KeyValueStore` runs against its real service: the contract
 * (get/set/add/take/delete/increment/decrement), TTL expiry, atomicity under concurrency, odd keys and
 * large values. Call it at the top level of a test file:
 *
 * ```ts
 * testKeyValueStore('redis', () => redisKeyValueStore({ client, keyPrefix: `test:${run}:` }), { skip });
 * ```
 *
 * `makeStore` is called once for the suite, and once more when the store says it is `shared`,
 * to check that a second instance (a second connection) sees the first one's writes and that
 * atomic operations hold across connections. Both are closed at the end. Keys carry a random
 * run id, so suites of parallel runs on one server never collide.
 */
export function testKeyValueStore(
  name: string,
  makeStore: () => KeyValueStore | Promise<KeyValueStore>,
  options: TestKeyValueStoreOptions = {},
): void {
  const expiryWithinMs = options.expiryWithinMs ?? 5000;
  describe(`${name} key-value store`, { skip: options.skip ?? false }, () => {
    let store: KeyValueStore;
    // A second instance on the same backend when the store is shared, else the same one.
    let other: KeyValueStore;
    const run = randomBytes(6).toString('hex');
    let counter = 0;
    const key = (label: string) => `conformance:${run}:${++counter}:${label}`;

    before(async () => {
      store = await makeStore();
      other = store.shared ? await makeStore() : store;
    });
    after(async () => {
      if (other !== undefined && other !== store) await other.close();
      await store?.close();
    });

    it('get() gives undefined for a key that was never set', async () => {
      assert.equal(await store.get(key('absent')), undefined);
    });

    it('set() stores a value that get() returns, and a second set() replaces it', async () => {
      const k = key('set');
      await store.set(k, 'first', 60);
      assert.equal(await store.get(k), 'first');
      await store.set(k, 'second', 60);
      assert.equal(await store.get(k), 'second');
    });

    it('delete() removes a key, and deleting an absent key is not an error', async () => {
      const k = key('delete');
      await store.set(k, 'value', 60);
      await store.delete(k);
      assert.equal(await store.get(k), undefined);
      await store.delete(k);
      assert.equal(await store.get(k), undefined);
    });

    it('add() stores only when the key is absent and keeps the first value', async () => {
      const k = key('add');
      assert.equal(await store.add(k, 'first', 60), true);
      assert.equal(await store.add(k, 'second', 60), false);
      assert.equal(await store.get(k), 'first');
    });

    it('take() returns the value once and leaves nothing behind', async () => {
      const k = key('take');
      await store.set(k, 'token-payload', 60);
      assert.equal(await store.take(k), 'token-payload');
      assert.equal(await store.take(k), undefined);
      assert.equal(await store.get(k), undefined);
    });

    it('increment() counts from 1 and get() reads the count as a decimal string', async () => {
      const k = key('increment');
      assert.equal(await store.increment(k, 60), 1);
      assert.equal(await store.increment(k, 60), 2);
      assert.equal(await store.increment(k, 60), 3);
      assert.equal(await store.get(k), '3');
    });

    it('decrement() takes one off a counter, stops at zero and leaves an absent key absent', async () => {
      const k = key('decrement');
      assert.equal(await store.increment(k, 60), 1);
      assert.equal(await store.increment(k, 60), 2);
      assert.equal(await store.decrement(k), 1);
      assert.equal(await store.get(k), '1');
      assert.equal(await store.decrement(k), 0);
      assert.equal(await store.decrement(k), 0, 'never below zero');
      assert.equal(await store.increment(k, 60), 1, 'counts on from zero');
      const absent = key('decrement-absent');
      assert.equal(await store.decrement(absent), 0);
      assert.equal(await store.get(absent), undefined, 'an absent counter is not created');
    });

    it('set(), add() and increment() refuse a TTL that is zero, negative or not a number', async () => {
      const k = key('bad-ttl');
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await assert.rejects(store.set(k, 'v', ttl), TypeError);
        await assert.rejects(store.add(k, 'v', ttl), TypeError);
        await assert.rejects(store.increment(k, ttl), TypeError);
      }
      assert.equal(await store.get(k), undefined);
    });

    const { clock } = options;
    const onClock = { skip: clock === undefined ? 'the store has no clock to move' : false };

    it(
      'an entry with a 1-second TTL is readable until the second has passed, then gone',
      onClock,
      async () => {
        const k = key('ttl');
        await store.set(k, 'short-lived', 1);
        clock?.advance(999);
        assert.equal(await store.get(k), 'short-lived');
        clock?.advance(2);
        assert.equal(await store.get(k), undefined);
        assert.equal(await store.take(k), undefined, 'take() sees no expired entry');
        assert.equal(await store.add(k, 'again', 60), true, 'add() succeeds once the old entry expired');
        assert.equal(await store.get(k), 'again');
      },
    );

    it('an entry added with a sub-second TTL expires too', onClock, async () => {
      const k = key('fractional-ttl');
      assert.equal(await store.add(k, 'v', 0.3), true);
      clock?.advance(299);
      assert.equal(await store.get(k), 'v');
      clock?.advance(2);
      assert.equal(await store.get(k), undefined);
    });

    it(
      'increment() sets the TTL when it creates the counter, and later calls do not extend it',
      onClock,
      async () => {
        const k = key('ttl-counter');
        assert.equal(await store.increment(k, 1), 1);
        clock?.advance(500);
        assert.equal(await store.increment(k, 3600), 2);
        clock?.advance(501);
        assert.equal(await store.get(k), undefined);
        assert.equal(await store.increment(k, 60), 1, 'a new window starts from 1');
      },
    );

    it('decrement() keeps the counter’s expiry', onClock, async () => {
      const k = key('decrement-ttl');
      assert.equal(await store.increment(k, 1), 1);
      assert.equal(await store.increment(k, 1), 2);
      clock?.advance(500);
      assert.equal(await store.decrement(k), 1);
      clock?.advance(501);
      assert.equal(await store.get(k), undefined);
      assert.equal(await store.decrement(k), 0, 'an expired counter is absent');
      assert.equal(await store.increment(k, 60), 1, 'a new window starts from 1');
    });

    const realTime = {
      skip:
        clock !== undefined
          ? 'the store runs on a test clock'
          : options.realTimeExpiry === false
            ? 'another suite of this store waits for real expiries'
            : false,
    };

    // The one test that waits: the server's own clock and TTL commands (Lua scripts, memcached's
    // whole seconds) can only be checked in real time. All four kinds of expiry wait together.
    it(
      'entries expire on the server’s clock: set, sub-second add, counters kept by decrement and not extended by increment',
      realTime,
      async () => {
        const set = key('rt-set');
        const added = key('rt-add');
        const counter = key('rt-counter');
        const decremented = key('rt-decrement');
        await store.set(set, 'short-lived', 1);
        assert.equal(await store.add(added, 'v', 0.3), true);
        assert.equal(await store.increment(counter, 1), 1);
        assert.equal(await store.increment(counter, 3600), 2);
        assert.equal(await store.increment(decremented, 1), 1);
        assert.equal(await store.increment(decremented, 1), 2);
        assert.equal(await store.decrement(decremented), 1);
        assert.equal(await store.get(set), 'short-lived');
        await eventually(
          async () =>
            (await Promise.all([set, added, counter, decremented].map((k) => store.get(k)))).every(
              (value) => value === undefined,
            ),
          expiryWithinMs,
          'entries expired',
        );
        assert.equal(await store.add(set, 'again', 60), true, 'add() succeeds once the old entry expired');
        assert.equal(await store.increment(counter, 60), 1, 'a new window starts from 1');
        assert.equal(await store.decrement(decremented), 0, 'an expired counter is absent');
      },
    );

    it('entries with TTLs longer than 30 days are kept (memcached reads those as dates)', async () => {
      const fortyDays = 40 * 24 * 3600;
      const setKey = key('long-set');
      const addKey = key('long-add');
      const counterKey = key('long-counter');
      await store.set(setKey, 'kept', fortyDays);
      assert.equal(await store.add(addKey, 'kept', fortyDays), true);
      assert.equal(await store.increment(counterKey, fortyDays), 1);
      assert.equal(await store.get(setKey), 'kept');
      assert.equal(await store.get(addKey), 'kept');
      assert.equal(await store.get(counterKey), '1');
    });

    it('of 20 concurrent take() calls on one key exactly one gets the value', async () => {
      const k = key('take-race');
      await store.set(k, 'single-use', 60);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : other).take(k)),
      );
      assert.deepEqual(
        results.filter((value) => value !== undefined),
        ['single-use'],
      );
    });

    it('of 20 concurrent add() calls on one key exactly one succeeds, and its value is stored', async () => {
      const k = key('add-race');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : other).add(k, `caller-${i}`, 60)),
      );
      const winners = results.flatMap((added, i) => (added ? [i] : []));
      assert.equal(winners.length, 1);
      assert.equal(await store.get(k), `caller-${winners[0]}`);
    });

    it('50 concurrent increment() calls count exactly: every count from 1 to 50 once', async () => {
      const k = key('increment-race');
      const counts = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? store : other).increment(k, 60)),
      );
      assert.deepEqual(
        [...counts].sort((a, b) => a - b),
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      assert.equal(await store.get(k), '50');
    });

    it('40 concurrent increment() and 20 decrement() calls on a counter at 20 end at exactly 40', async () => {
      const k = key('decrement-race');
      // Twenty first, so no decrement finds zero even if all of them come before the increments.
      for (let i = 0; i < 20; i++) await store.increment(k, 60);
      const calls = Array.from({ length: 60 }, (_, i) => {
        const on = i % 2 === 0 ? store : other;
        return i % 3 === 0 ? on.decrement(k) : on.increment(k, 60);
      });
      const counts = await Promise.all(calls);
      assert.ok(
        counts.every((count) => count >= 0),
        'no count below zero',
      );
      assert.equal(await store.get(k), '40');
    });

    it('values round-trip unchanged: unicode, empty, control characters and 100 kB of JSON', async () => {
      const big = JSON.stringify({
        items: Array.from({ length: 2500 }, (_, i) => ({ i, name: `user-${i}`, note: 'é✓🔐' })),
      });
      assert.ok(big.length >= 100_000, 'the large value is at least 100 kB');
      const values = ['héllo wörld 🔐 日本語', '', 'line one\nline two\r\n\ttab \u0000 nul', big];
      for (const [i, value] of values.entries()) {
        const k = key(`value-${i}`);
        await store.set(k, value, 60);
        assert.equal(await store.get(k), value);
        assert.equal(await store.take(k), value);
      }
    });

    it('keys with spaces, unicode, control characters or 1000 characters work and stay distinct', async () => {
      const long = 'x'.repeat(1000);
      const keys = [
        key('with spaces in it'),
        key('ünïcødé-🔑-鍵'),
        key('new\nline\ttab'),
        key(long),
        key(`${long}y`),
        key('sha256:looks-like-a-hashed-key'),
      ];
      for (const [i, k] of keys.entries()) await store.set(k, `value-${i}`, 60);
      for (const [i, k] of keys.entries()) assert.equal(await store.get(k), `value-${i}`);
      const odd = keys[1] ?? '';
      assert.equal(await store.add(odd, 'other', 60), false);
      assert.equal(await store.take(odd), 'value-1');
      assert.equal(await store.increment(odd, 60), 1);
      await store.delete(odd);
      assert.equal(await store.get(odd), undefined);
    });

    it('a second instance of a shared store sees the first one’s writes', async (t) => {
      if (!store.shared) {
        t.skip('per-process store');
        return;
      }
      const k = key('shared');
      await store.set(k, 'from the first', 60);
      assert.equal(await other.get(k), 'from the first');
      assert.equal(await other.take(k), 'from the first');
      assert.equal(await store.get(k), undefined);
    });
  });
}
