import { LRUCache } from 'lru-cache';
import { GET_NOW, type GetNowResult, getNowOf, type KeyValueStore } from '../key-value/key-value-store.ts';
import type { StoreLogger } from '../store-logger.ts';
import { type InvalidationChannel, openInvalidationChannelOf } from './invalidation-channel.ts';

/** Entries a read cache holds by default. */
export const DEFAULT_READ_CACHE_ENTRIES = 10_000;
/** Lifetime of a cached read when the store tells every change (Redis, PostgreSQL). */
export const DEFAULT_READ_CACHE_TTL_MS = 60_000;
/** Lifetime of a cached read when it does not (Memcached, MySQL): the staleness it allows. */
export const DEFAULT_UNTOLD_READ_CACHE_TTL_MS = 500;

export interface ReadCacheOptions {
  /**
   * Most reads kept (least recently used out first), absent keys included.
   * @default 10000
   */
  maxEntries?: number;
  /**
   * How long a read is kept, in milliseconds. With a channel of change notices (Redis,
   * PostgreSQL) changes are seen within milliseconds anyway, and this only bounds memory of
   * keys nobody changes; without one (Memcached, MySQL/MariaDB) it is how stale a read can be.
   * A lifetime over 1000 ms without a channel logs a warning.
   * @default 60000 with a channel, 500 without
   */
  ttlMs?: number;
}

export interface CachedKeyValueStoreOptions extends ReadCacheOptions {
  /** The shared store the cache sits in front of. */
  store: KeyValueStore;
  /**
   * The channel of change notices. `'auto'`: the store's own (Redis client-side caching,
   * PostgreSQL LISTEN), none for other stores; `false`: none (only `ttlMs` bounds staleness).
   * @default 'auto'
   */
  channel?: InvalidationChannel | 'auto' | false;
  /**
   * Whether `close()` also closes `store`.
   * @default false
   */
  ownsStore?: boolean;
  /** Told when the channel is lost (warn) and back (info). @default undefined */
  logger?: StoreLogger;
}

/**
 * Marks a store with a read cache: its `[READ_THROUGH](key)` asks the store itself, for the
 * rare read that must not be even milliseconds stale (the session epoch a new session is
 * begun in).
 */
export const READ_THROUGH = Symbol('ssokit.keyValueStore.readThrough');

/** The store's uncached `get` when it has a read cache, else its `get`. */
export function readThroughOf(store: KeyValueStore): (key: string) => Promise<string | undefined> {
  const through = (store as Partial<CachedKeyValueStore>)[READ_THROUGH];
  return through === undefined ? (key) => store.get(key) : through;
}

/** A store with a read cache; `get` (and its synchronous form) answers from memory on a hit. */
export interface CachedKeyValueStore extends KeyValueStore {
  /** Entries held now (at most `maxEntries`). */
  readonly size: number;
  /** Whether reads are cached now: true without a channel, else while the channel is up. */
  readonly caching: boolean;
  /** Whether a channel of change notices is used. */
  readonly told: boolean;
  [GET_NOW](key: string): GetNowResult;
  [READ_THROUGH](key: string): Promise<string | undefined>;
}

// LRUCache holds no undefined: an absent key (an unknown cookie, a user never signed out
// everywhere) is cached as this marker, so it too costs no round trip.
const ABSENT = Symbol('absent');
type Cached = string | typeof ABSENT;

/** Reads of one key under way; a change heard meanwhile keeps their answer out of the cache. */
interface Inflight {
  readers: number;
  stale: boolean;
}

/**
 * A per-process read cache in front of a shared store: a busy key (a session, a user's session
 * epoch) costs a hash lookup, answered without a promise, instead of a round trip. Writes go
 * through to the store and drop the key here at once; other processes drop it when their
 * channel tells them (within milliseconds), or when their entry's short lifetime ends where
 * the store has no channel. Losing the channel empties the cache and stops caching until it
 * is back, so a change made meanwhile is never missed. Only `get` is cached: `take`, `add`
 * and the counters always ask the store.
 */
export function cachedKeyValueStore(options: CachedKeyValueStoreOptions): CachedKeyValueStore {
  const { store, logger } = options;
  const maxEntries = options.maxEntries ?? DEFAULT_READ_CACHE_ENTRIES;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError(`readCache.maxEntries must be a whole number >= 1, got ${options.maxEntries}`);
  }
  const channel =
    options.channel === false
      ? undefined
      : options.channel === undefined || options.channel === 'auto'
        ? openInvalidationChannelOf(store)
        : options.channel;
  const ttlMs =
    options.ttlMs ?? (channel === undefined ? DEFAULT_UNTOLD_READ_CACHE_TTL_MS : DEFAULT_READ_CACHE_TTL_MS);
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new TypeError(`readCache.ttlMs must be a positive number of milliseconds, got ${options.ttlMs}`);
  }
  if (channel === undefined && ttlMs > 1000) {
    logger?.warn(
      { option: 'readCache.ttlMs', ttlMs },
      'the store tells no changes: a session ended in another process may work here for up to ttlMs',
    );
  }
  const cache = new LRUCache<string, Cached>({ max: maxEntries, ttl: ttlMs });
  const inflight = new Map<string, Inflight>();
  const storeGetNow = getNowOf(store);
  const cacheKey = channel === undefined ? (key: string) => key : (key: string) => channel.cacheKey(key);
  let caching = channel === undefined;
  let wasLost = false;

  const drop = (key: string) => {
    cache.delete(key);
    const reading = inflight.get(key);
    if (reading !== undefined) reading.stale = true;
  };
  const dropAll = () => {
    cache.clear();
    for (const reading of inflight.values()) reading.stale = true;
  };
  channel?.open({
    invalidate: drop,
    lost(reason) {
      // Caching stops first: a read answered after this is not kept.
      caching = false;
      dropAll();
      if (!wasLost)
        logger?.warn(
          { store: 'read cache', reason },
          'invalidation channel lost: cache emptied, reads go to the store until it is back',
        );
      wasLost = true;
    },
    ready() {
      dropAll();
      caching = true;
      if (wasLost)
        (logger?.info ?? logger?.warn)?.call(
          logger,
          { store: 'read cache' },
          'invalidation channel back: caching again',
        );
      wasLost = false;
    },
  });

  const fill = (key: string, wireKey: string): Promise<string | undefined> | string | undefined => {
    const answer = storeGetNow !== undefined ? storeGetNow(key) : store.get(key);
    if (!(answer instanceof Promise)) {
      if (caching) cache.set(wireKey, answer ?? ABSENT);
      return answer;
    }
    if (!caching) return answer;
    let reading = inflight.get(wireKey);
    if (reading === undefined) {
      reading = { readers: 0, stale: false };
      inflight.set(wireKey, reading);
    }
    reading.readers += 1;
    const started = reading;
    const done = () => {
      started.readers -= 1;
      if (started.readers === 0 && inflight.get(wireKey) === started) inflight.delete(wireKey);
    };
    return answer.then(
      (value) => {
        if (!started.stale && caching) cache.set(wireKey, value ?? ABSENT);
        done();
        return value;
      },
      (error: unknown) => {
        done();
        throw error;
      },
    );
  };

  const getNow = (key: string): GetNowResult => {
    const wireKey = cacheKey(key);
    if (caching) {
      const hit = cache.get(wireKey);
      if (hit !== undefined) return hit === ABSENT ? undefined : hit;
    }
    return fill(key, wireKey);
  };

  // A write drops the key before (a read under way must not keep the old value) and after (a
  // read that started meanwhile may have seen either value).
  const writing = async <T>(key: string, write: () => Promise<T>): Promise<T> => {
    const wireKey = cacheKey(key);
    drop(wireKey);
    try {
      return await write();
    } finally {
      drop(wireKey);
    }
  };

  return {
    get shared() {
      return store.shared;
    },
    get size() {
      return cache.size;
    },
    get caching() {
      return caching;
    },
    told: channel !== undefined,
    [GET_NOW]: getNow,
    // Not kept: a read through is for a value that must be current, not for a busy one.
    [READ_THROUGH]: (key) => store.get(key),
    async get(key) {
      return getNow(key);
    },
    set: (key, value, ttlSeconds) => writing(key, () => store.set(key, value, ttlSeconds)),
    add: (key, value, ttlSeconds) => writing(key, () => store.add(key, value, ttlSeconds)),
    take: (key) => writing(key, () => store.take(key)),
    delete: (key) => writing(key, () => store.delete(key)),
    increment: (key, ttlSeconds) => writing(key, () => store.increment(key, ttlSeconds)),
    decrement: (key) => writing(key, () => store.decrement(key)),
    async close() {
      caching = false;
      dropAll();
      await channel?.close();
      if (options.ownsStore === true) await store.close();
    },
  };
}
