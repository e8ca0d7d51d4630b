import { setTimeout as delay } from 'node:timers/promises';
import type { KeyValueStore } from '@ssokit/stores';
import type { ProviderOptions } from '../config/provider-options.ts';
import type { ProviderLogger } from '../logging/provider-logger.ts';
import { tokenDigest } from '../tokens/random-token.ts';
import { addressBucket } from './address-bucket.ts';

/** The `rateLimit` option of the provider; its schema, defaults and TSDoc are in provider-options.ts. */
export type LoginRateLimitOptions = NonNullable<ProviderOptions['rateLimit']>;

export type RateLimitVerdict =
  | { allowed: true; reservation: SignInReservation }
  | { allowed: false; retryAfterSeconds: number };

/** The slots one attempt holds while its password is checked; settle it exactly once. */
export interface SignInReservation {
  /** A wrong password: the slots stay taken, as failures, until the window ends. */
  failed(): Promise<void>;
  /**
   * The right password: the slots are given back, the address's earlier failures for this
   * account are forgiven, and the address becomes known to the account.
   */
  succeeded(): Promise<void>;
  /** No password was checked (the database was down): the slots are given back. */
  release(): Promise<void>;
}

export interface LoginRateLimiter {
  /**
   * Called before the password is hashed, with the canonical username. Takes one slot of
   * every limit atomically (a counter in the store), so a burst of parallel attempts cannot
   * slip past. While the limit is full only because other attempts are being checked, it
   * waits for them (up to a few seconds): a right password is never refused for them.
   */
  begin(username: string, address: string): Promise<RateLimitVerdict>;
}

interface Limit {
  key: string;
  max: number;
}

// Attempts that find a limit full of attempts still being checked wait this long at most,
// polling with a backoff; argon2 takes tens of milliseconds, so a slot frees up quickly.
const MAX_WAIT_MS = 3000;
const FIRST_POLL_MS = 20;
const LONGEST_POLL_MS = 250;
const failuresOf = (key: string) => `${key}:failed`;

export function loginRateLimiter(
  store: KeyValueStore,
  options: LoginRateLimitOptions & { keyPrefix?: string; logger?: ProviderLogger } = {},
): LoginRateLimiter {
  const perAddress = options.perAddress ?? 20;
  const perAccountAndAddress = options.perAccountAndAddress ?? 5;
  const perAccount = options.perAccount ?? 50;
  const windowSeconds = options.windowSeconds ?? 900;
  const knownAddressSeconds = options.knownAddressSeconds ?? 2_592_000;
  const prefix = `${options.keyPrefix ?? 'ssokit:provider:'}limit:`;
  // Digests keep arbitrary user input (long, odd characters) out of store keys.
  const key = (kind: string, ...parts: string[]) => `${prefix}${kind}:${tokenDigest(parts.join('\n'))}`;

  // Settling happens after the answer is known; a store that fails then costs at most one
  // slot until the window ends, which is logged rather than turned into an error page.
  const settle = async (what: string, operations: Array<Promise<unknown>>) => {
    const results = await Promise.allSettled(operations);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure !== undefined) {
      options.logger?.warn(
        { event: 'rate_limit_store_failed', step: what, err: (failure as PromiseRejectedResult).reason },
        'could not settle a sign-in rate-limit reservation',
      );
    }
  };
  const giveBack = (limits: Limit[]) => limits.map((limit) => store.decrement(limit.key));

  /** Takes a slot of every limit, or none; returns the limits that were full. */
  const tryReserve = async (limits: Limit[]): Promise<Limit[]> => {
    const counts = await Promise.allSettled(limits.map((limit) => store.increment(limit.key, windowSeconds)));
    const taken = limits.filter((_, i) => counts[i]?.status === 'fulfilled');
    const error = counts.find((count) => count.status === 'rejected');
    if (error !== undefined) {
      await Promise.allSettled(giveBack(taken));
      throw (error as PromiseRejectedResult).reason;
    }
    const over = limits.filter((limit, i) => (counts[i] as PromiseFulfilledResult<number>).value > limit.max);
    if (over.length > 0) await Promise.all(giveBack(limits));
    return over;
  };

  // Waiters in this process share their reads: a burst of refused attempts on one address
  // costs the store one read of a counter at a time, not one per attempt per poll.
  const readsUnderWay = new Map<string, Promise<number>>();
  const readCount = (storeKey: string): Promise<number> => {
    let read = readsUnderWay.get(storeKey);
    if (read === undefined) {
      read = store
        .get(storeKey)
        .then((value) => Number(value ?? 0))
        .finally(() => readsUnderWay.delete(storeKey));
      readsUnderWay.set(storeKey, read);
    }
    return read;
  };
  /** 'full' when failures fill a limit, 'free' when every one has room again, else 'busy'. */
  const look = async (over: Limit[]): Promise<'full' | 'free' | 'busy'> => {
    const [counts, failures] = await Promise.all([
      Promise.all(over.map((limit) => readCount(limit.key))),
      Promise.all(over.map((limit) => readCount(failuresOf(limit.key)))),
    ]);
    if (over.some((limit, i) => (failures[i] ?? 0) >= limit.max)) return 'full';
    return over.every((limit, i) => (counts[i] ?? 0) < limit.max) ? 'free' : 'busy';
  };

  return {
    async begin(username, address) {
      const bucket = addressBucket(address);
      const pair = { key: key('pair', username, bucket), max: perAccountAndAddress };
      const known = key('known', username, bucket);
      const isKnown = (await store.get(known)) !== undefined;
      const limits: Limit[] = [{ key: key('address', bucket), max: perAddress }, pair];
      if (!isKnown) limits.push({ key: key('account', username), max: perAccount });

      const deadline = Date.now() + MAX_WAIT_MS;
      let pollMs = FIRST_POLL_MS;
      for (;;) {
        const over = await tryReserve(limits);
        if (over.length === 0) break;
        // Full of attempts still being checked: wait while one of them may give its slot back.
        let state = await look(over);
        while (state === 'busy') {
          if (Date.now() + pollMs > deadline) return { allowed: false, retryAfterSeconds: 1 };
          await delay(pollMs);
          pollMs = Math.min(pollMs * 2, LONGEST_POLL_MS);
          state = await look(over);
        }
        if (state === 'full') return { allowed: false, retryAfterSeconds: windowSeconds };
      }

      let settled = false;
      const once = (what: string, operations: () => Array<Promise<unknown>>) => {
        if (settled) return Promise.resolve();
        settled = true;
        return settle(what, operations());
      };
      const others = limits.filter((limit) => limit !== pair);
      return {
        allowed: true,
        reservation: {
          failed: () =>
            once('failed', () =>
              limits.map((limit) => store.increment(failuresOf(limit.key), windowSeconds)),
            ),
          succeeded: () =>
            once('succeeded', () => [
              ...giveBack(others),
              // Whoever is at this address knows the password: their typos are forgiven.
              store.delete(pair.key),
              store.delete(failuresOf(pair.key)),
              store.set(known, '1', knownAddressSeconds),
            ]),
          release: () => once('release', () => giveBack(limits)),
        },
      };
    },
  };
}
