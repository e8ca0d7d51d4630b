import type { KeyValueStore } from '@ssokit/stores';
import { tokenDigest } from '../tokens/random-token.ts';

export interface LoginRateLimitOptions {
  /** Sign-in attempts per account inside a window before it is refused. @default 5 */
  perAccount?: number;
  /** Failed sign-ins per client address inside a window before it is refused. @default 20 */
  perAddress?: number;
  /** Window length in seconds, counted from the first attempt. @default 900 */
  windowSeconds?: number;
}

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginRateLimiter {
  /**
   * Called before the password is hashed. Counts the attempt against the account (atomically,
   * so a burst of parallel guesses cannot slip past) and checks the address's failures.
   */
  begin(username: string, address: string): Promise<RateLimitVerdict>;
  /** After a wrong password: counts a failure for the address. */
  failed(address: string): Promise<void>;
  /** After a correct password: the account's count starts over. */
  succeeded(username: string): Promise<void>;
}

export function loginRateLimiter(
  store: KeyValueStore,
  options: LoginRateLimitOptions & { keyPrefix?: string } = {},
): LoginRateLimiter {
  const perAccount = options.perAccount ?? 5;
  const perAddress = options.perAddress ?? 20;
  const windowSeconds = options.windowSeconds ?? 900;
  const prefix = options.keyPrefix ?? 'ssokit:provider:';
  // Digests keep arbitrary user input (long, odd characters) out of store keys.
  const accountKey = (username: string) => `${prefix}fail:account:${tokenDigest(username.toLowerCase())}`;
  const addressKey = (address: string) => `${prefix}fail:address:${tokenDigest(address)}`;
  const refused: RateLimitVerdict = { allowed: false, retryAfterSeconds: windowSeconds };

  return {
    async begin(username, address) {
      const addressFailures = Number((await store.get(addressKey(address))) ?? 0);
      if (addressFailures >= perAddress) return refused;
      const attempts = await store.increment(accountKey(username), windowSeconds);
      return attempts > perAccount ? refused : { allowed: true };
    },
    async failed(address) {
      await store.increment(addressKey(address), windowSeconds);
    },
    async succeeded(username) {
      await store.delete(accountKey(username));
    },
  };
}
