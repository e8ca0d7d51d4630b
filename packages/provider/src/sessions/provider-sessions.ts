import type { KeyValueStore } from '@ssokit/stores';
import type { Account } from '../accounts/account.ts';
import { looksLikeHexToken, randomHexToken, tokenDigest } from '../tokens/random-token.ts';
import type { IndexedSession, SessionDetails, SessionIndex } from './session-index.ts';

const SESSION_TOKEN_BYTES = 32;

export interface ProviderSession {
  userId: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /**
   * The account's `sessionAuthHash` when the session started; absent in sessions written
   * before it existed (they count as signed out).
   */
  authHash?: string;
}

/**
 * The provider's own sign-in (its `/login/`), kept server-side in the key-value store. The
 * cookie holds a random token; the store is keyed by its digest, so a store dump cannot be
 * replayed as cookies.
 */
export interface ProviderSessions {
  /** Starts a session of the account (as its password is now) and returns the token for the cookie. */
  create(account: Pick<Account, 'id' | 'sessionAuthHash'>, details?: SessionDetails): Promise<string>;
  /** The session for a cookie token, or undefined. */
  read(token: string | undefined): Promise<ProviderSession | undefined>;
  destroy(token: string | undefined): Promise<void>;
  /** The id the index and the pages know a session by (the digest of its token). */
  idOf(token: string | undefined): string | undefined;
  /** The user's live sessions, newest first; [] without an index. */
  listForUser(userId: number): Promise<IndexedSession[]>;
  /** Every live session (the admin's "who is signed in"), newest first. */
  listAll(limit: number): Promise<IndexedSession[]>;
  /**
   * Ends the user's session with this id; false when the user has no such session (an id of
   * another user's session ends nothing).
   */
  endById(userId: number, id: string): Promise<boolean>;
  /**
   * Gives the session with this id the account's new `sessionAuthHash`, keeping its expiry:
   * the browser that changed its own password stays signed in. False when it has ended.
   */
  renewAuthHash(id: string, authHash: string): Promise<boolean>;
}

export interface ProviderSessionsOptions {
  store: KeyValueStore;
  /** @default 1209600 (two weeks, as Django) */
  ttlSeconds?: number;
  /** @default 'ssokit:provider:' */
  keyPrefix?: string;
  /** Epoch milliseconds. @default Date.now */
  now?: () => number;
  /** Lists sessions per user (the account and admin pages); without it sessions cannot be listed. */
  index?: SessionIndex;
}

export function providerSessions(options: ProviderSessionsOptions): ProviderSessions {
  const { store } = options;
  const ttlSeconds = options.ttlSeconds ?? 1_209_600;
  const prefix = options.keyPrefix ?? 'ssokit:provider:';
  const now = options.now ?? Date.now;
  const { index } = options;
  const keyOfDigest = (digest: string) => `${prefix}session:${digest}`;
  const key = (token: string) => keyOfDigest(tokenDigest(token));
  const valid = (token: string | undefined): token is string =>
    token !== undefined && looksLikeHexToken(token, SESSION_TOKEN_BYTES);
  const readKey = async (storeKey: string): Promise<ProviderSession | undefined> => {
    const text = await store.get(storeKey);
    if (text === undefined) return undefined;
    try {
      const session = JSON.parse(text) as ProviderSession;
      if (!Number.isSafeInteger(session.userId)) return undefined;
      // The store's TTL runs on its own clock; the provider's clock decides.
      return session.createdAt + ttlSeconds * 1000 > now() ? session : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    async create(account, details = {}) {
      const token = randomHexToken(SESSION_TOKEN_BYTES);
      const userId = account.id;
      const session: ProviderSession = { userId, createdAt: now(), authHash: account.sessionAuthHash };
      // The index row first: a session that exists is always listed, so it can be ended.
      await index?.record(
        tokenDigest(token),
        userId,
        session.createdAt,
        session.createdAt + ttlSeconds * 1000,
        details,
      );
      await store.set(key(token), JSON.stringify(session), ttlSeconds);
      return token;
    },
    async read(token) {
      return valid(token) ? await readKey(key(token)) : undefined;
    },
    async renewAuthHash(id, authHash) {
      if (!/^[0-9a-f]{64}$/.test(id)) return false;
      const session = await readKey(keyOfDigest(id));
      if (session === undefined) return false;
      const secondsLeft = Math.ceil((session.createdAt + ttlSeconds * 1000 - now()) / 1000);
      if (secondsLeft <= 0) return false;
      await store.set(keyOfDigest(id), JSON.stringify({ ...session, authHash }), secondsLeft);
      return true;
    },
    async destroy(token) {
      if (!valid(token)) return;
      await store.delete(key(token));
      await index?.forget(tokenDigest(token));
    },
    idOf(token) {
      return valid(token) ? tokenDigest(token) : undefined;
    },
    async listForUser(userId) {
      return (await index?.listForUser(userId, now())) ?? [];
    },
    async listAll(limit) {
      return (await index?.listAll(now(), limit)) ?? [];
    },
    async endById(userId, id) {
      if (index === undefined || !/^[0-9a-f]{64}$/.test(id)) return false;
      const owned = (await index.listForUser(userId, now())).some((session) => session.id === id);
      if (!owned) return false;
      await store.delete(keyOfDigest(id));
      await index.forget(id);
      return true;
    },
  };
}
