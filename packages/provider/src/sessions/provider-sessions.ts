import type { KeyValueStore } from '@ssokit/stores';
import { looksLikeHexToken, randomHexToken, tokenDigest } from '../tokens/random-token.ts';

const SESSION_TOKEN_BYTES = 32;

export interface ProviderSession {
  userId: number;
  /** Epoch milliseconds. */
  createdAt: number;
}

/**
 * The provider's own sign-in (its `/login/`), kept server-side in the key-value store. The
 * cookie holds a random token; the store is keyed by its digest, so a store dump cannot be
 * replayed as cookies.
 */
export interface ProviderSessions {
  /** Starts a session and returns the token for the cookie. */
  create(userId: number): Promise<string>;
  /** The session for a cookie token, or undefined. */
  read(token: string | undefined): Promise<ProviderSession | undefined>;
  destroy(token: string | undefined): Promise<void>;
}

export interface ProviderSessionsOptions {
  store: KeyValueStore;
  /** @default 1209600 (two weeks, as Django) */
  ttlSeconds?: number;
  /** @default 'ssokit:provider:' */
  keyPrefix?: string;
  /** Epoch milliseconds. @default Date.now */
  now?: () => number;
}

export function providerSessions(options: ProviderSessionsOptions): ProviderSessions {
  const { store } = options;
  const ttlSeconds = options.ttlSeconds ?? 1_209_600;
  const prefix = options.keyPrefix ?? 'ssokit:provider:';
  const now = options.now ?? Date.now;
  const key = (token: string) => `${prefix}session:${tokenDigest(token)}`;
  const valid = (token: string | undefined): token is string =>
    token !== undefined && looksLikeHexToken(token, SESSION_TOKEN_BYTES);

  return {
    async create(userId) {
      const token = randomHexToken(SESSION_TOKEN_BYTES);
      const session: ProviderSession = { userId, createdAt: now() };
      await store.set(key(token), JSON.stringify(session), ttlSeconds);
      return token;
    },
    async read(token) {
      if (!valid(token)) return undefined;
      const text = await store.get(key(token));
      if (text === undefined) return undefined;
      try {
        const session = JSON.parse(text) as ProviderSession;
        if (!Number.isSafeInteger(session.userId)) return undefined;
        // The store's TTL runs on its own clock; the provider's clock decides.
        return session.createdAt + ttlSeconds * 1000 > now() ? session : undefined;
      } catch {
        return undefined;
      }
    },
    async destroy(token) {
      if (valid(token)) await store.delete(key(token));
    },
  };
}
