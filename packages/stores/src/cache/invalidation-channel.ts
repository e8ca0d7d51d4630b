/**
 * What a read cache is told by the store it sits in front of. The store pushes the keys that
 * changed (written, deleted, expired, by any process or by hand); `lost` means notices may
 * have been missed, so everything cached must go; `ready` means every change from now on will
 * be told.
 */
export interface InvalidationListener {
  invalidate(cacheKey: string): void;
  /** Everything changed (a flush), or the channel was lost and changes may have gone unseen. */
  lost(reason: string): void;
  /** The channel is (again) listening: values read from now on may be cached. */
  ready(): void;
}

/**
 * A store's channel of change notices: Redis client-side caching (`CLIENT TRACKING ... BCAST`,
 * pushed over a dedicated connection) or PostgreSQL `LISTEN`/`NOTIFY` (a dedicated client). It
 * opens its own connection, reconnects by itself and says `lost` whenever it cannot vouch for
 * having heard every change.
 */
export interface InvalidationChannel {
  /** The key a notice names for a key of the store (the SQL table may hash long keys). */
  cacheKey(key: string): string;
  /** Starts listening; the listener hears `ready` once the channel is up. */
  open(listener: InvalidationListener): void;
  /** Stops listening and closes the channel's connection. */
  close(): Promise<void>;
}

/**
 * Marks a store that can open an {@link InvalidationChannel} of its own (Redis, PostgreSQL);
 * `cachedKeyValueStore` uses it. Absent on stores that offer none (Memcached, MySQL, memory).
 */
export const OPEN_INVALIDATION_CHANNEL = Symbol('ssokit.keyValueStore.openInvalidationChannel');

/** A store with {@link OPEN_INVALIDATION_CHANNEL}. */
export interface WithInvalidationChannel {
  [OPEN_INVALIDATION_CHANNEL](): InvalidationChannel | undefined;
}

/** The store's channel of change notices, opened now; undefined when it has none. */
export function openInvalidationChannelOf(store: object): InvalidationChannel | undefined {
  const open = (store as Partial<WithInvalidationChannel>)[OPEN_INVALIDATION_CHANNEL];
  return open === undefined ? undefined : open.call(store);
}

/** Reconnection delay after the attempt-th failure: quick at first, then every two seconds. */
export const reconnectDelayMs = (attempt: number): number => Math.min(100 * 2 ** attempt, 2000);
