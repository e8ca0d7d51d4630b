/**
 * The key-value contract shared by the client (sessions, cached users, login state) and the
 * provider (tokens, replay guard, rate limits). Values are strings (callers store JSON); every
 * write takes a TTL so nothing lives forever by accident.
 */
export interface KeyValueStore {
  /** The value, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores the value, replacing any other; ttlSeconds must be > 0. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Stores the value only if the key is absent, atomically; true when it was stored. */
  add(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Reads and deletes in one step: of several concurrent takers at most one gets the value. */
  take(key: string): Promise<string | undefined>;
  /** Removes the key; no error when it is absent. */
  delete(key: string): Promise<void>;
  /** Adds one to a counter, creating it with ttlSeconds when absent; returns the new count. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  /**
   * Takes one off a counter, atomically, and returns the new count. The counter keeps its
   * expiry and never goes below zero; an absent or expired counter stays absent and the answer
   * is 0. Gives back what `increment` reserved (a rate limit's slot for an attempt that did
   * not count).
   */
  decrement(key: string): Promise<number>;
  /**
   * True when several processes can share this store (Redis, Memcached), false for a store
   * that lives in one process; the client warns when a per-process store is used for sessions
   * where several processes serve.
   */
  readonly shared: boolean;
  /** Releases what the store opened itself; a client passed in by the caller is left open. */
  close(): Promise<void>;
}

/** Refuses a TTL that would make an entry immortal or already dead. */
export function assertTtl(ttlSeconds: number): void {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new TypeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
  }
}

/**
 * Marks a store that can answer `get` without waiting (it lives in this process, or reads an
 * embedded SQLite file synchronously). The client's per-request session read then skips a
 * promise and an Express promise handler per request (measured in bench/: about a tenth of a
 * bare Express request's instructions). It may still answer with a promise when it cannot
 * answer at once (a table not created yet); it fails as `get` fails.
 */
export const GET_NOW = Symbol('ssokit.keyValueStore.getNow');

/** The value at once, or a promise of it when the store cannot answer at once. */
export type GetNowResult = string | undefined | Promise<string | undefined>;

/** A store with the synchronous `get` of {@link GET_NOW}. */
export interface KeyValueStoreWithGetNow extends KeyValueStore {
  [GET_NOW](key: string): GetNowResult;
}

/** The store's synchronous `get`, when it has one. */
export function getNowOf(store: KeyValueStore): ((key: string) => GetNowResult) | undefined {
  const getNow = (store as Partial<KeyValueStoreWithGetNow>)[GET_NOW];
  return getNow === undefined ? undefined : (key) => getNow.call(store, key);
}
