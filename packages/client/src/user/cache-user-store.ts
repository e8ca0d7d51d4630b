import type { KeyValueStore } from '@ssokit/stores';
import type { SsoUserId, SsoUserRecord } from './sso-user.ts';
import type { UserStore } from './user-store.ts';

export interface CacheUserStoreOptions {
  /** Any key-value store: Redis or Memcached when several processes serve, memory otherwise. */
  store: KeyValueStore;
  /**
   * How long a stored user lives after their last sign-in (the original kept them forever).
   * @default 1209600 (14 days)
   */
  ttlSeconds?: number;
  /**
   * Prefix of the keys; the user with id 1 is kept under `sso_user_1`, as in the original.
   * @default 'sso_user_'
   */
  keyPrefix?: string;
}

function parseRecord(text: string): SsoUserRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { id, username, extras } = value as Partial<SsoUserRecord>;
    if ((typeof id !== 'number' && typeof id !== 'string') || typeof username !== 'string') return undefined;
    return { id, username, extras: typeof extras === 'object' && extras !== null ? extras : {} };
  } catch {
    return undefined;
  }
}

/**
 * Users in a key-value store as JSON (the original pickled them). An entry that is missing,
 * expired or unreadable reads as "no such user", never as an error.
 */
export function cacheUserStore(options: CacheUserStoreOptions): UserStore {
  const { store } = options;
  const ttlSeconds = options.ttlSeconds ?? 1_209_600;
  const keyPrefix = options.keyPrefix ?? 'sso_user_';
  const keyOf = (id: SsoUserId) => `${keyPrefix}${id}`;

  return {
    async save(user) {
      const record: SsoUserRecord = { id: user.id, username: user.username, extras: user.extras };
      await store.set(keyOf(user.id), JSON.stringify(record), ttlSeconds);
    },
    async get(id) {
      const text = await store.get(keyOf(id));
      return text === undefined ? undefined : parseRecord(text);
    },
    async delete(id) {
      await store.delete(keyOf(id));
    },
    // The key-value store was passed in: its owner closes it.
    async close() {},
  };
}
