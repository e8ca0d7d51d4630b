import type { StoreLogger } from '../store-logger.ts';
import { assertTtl, GET_NOW, type KeyValueStoreWithGetNow } from './key-value-store.ts';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * Default bound on the entries of a memory store. About 1 GB of heap at the ~1 kB a client
 * session takes with its user snapshot (measured by the bench: 987 B), below V8's default heap
 * limit on 64-bit machines: a flood of anonymous visits to the login page (each leaves a
 * 5-minute entry) ends in evictions instead of an out-of-memory crash. An app with more live
 * sessions than that belongs on a shared store (SQL, Redis) anyway.
 */
export const DEFAULT_MEMORY_MAX_ENTRIES = 1_000_000;

export interface MemoryKeyValueStoreOptions {
  /**
   * Most entries kept. When full, a write of a new key evicts the least recently written
   * entry (expired or not): the oldest sessions and sign-ins go first, and the heap stays
   * bounded.
   * @default 1000000
   */
  maxEntries?: number;
  /**
   * Told once per store, when eviction starts (pino or compatible).
   * @default undefined (evicts silently)
   */
  logger?: StoreLogger;
  /**
   * How often expired entries are swept, in milliseconds (reads also drop them lazily).
   * @default 60000
   */
  sweepIntervalMs?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * A store inside this process: the default for a single process and for tests. Every
 * operation is synchronous under the hood, so `add`, `take`, `increment` and `decrement` are
 * atomic.
 * Bounded by `maxEntries`; past it, the least recently written entry makes room.
 */
export function memoryKeyValueStore(options: MemoryKeyValueStoreOptions = {}): KeyValueStoreWithGetNow & {
  readonly size: number;
} {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? DEFAULT_MEMORY_MAX_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError(`memoryKeyValueStore: maxEntries must be a positive integer, got ${maxEntries}`);
  }
  // A Map iterates in insertion order; every write deletes and re-inserts its key, so the
  // first key is always the least recently written.
  const entries = new Map<string, Entry>();
  let warnedFull = false;

  const write = (key: string, entry: Entry): void => {
    if (!entries.delete(key) && entries.size >= maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
      if (!warnedFull) {
        warnedFull = true;
        options.logger?.warn(
          { store: 'memory', maxEntries },
          'memory store is full: the least recently written entries (oldest sessions and sign-ins) are evicted; ' +
            'raise maxEntries or use a shared store (SQL, Redis)',
        );
      }
    }
    entries.set(key, entry);
  };

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const sweep = setInterval(() => {
    const at = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
  }, options.sweepIntervalMs ?? 60_000);
  // The sweep must never keep a process alive that has nothing else to do.
  sweep.unref();

  return {
    shared: false,
    get size() {
      return entries.size;
    },
    async get(key) {
      return live(key)?.value;
    },
    [GET_NOW](key: string) {
      return live(key)?.value;
    },
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      write(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    },
    async add(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      if (live(key) !== undefined) return false;
      write(key, { value, expiresAt: now() + ttlSeconds * 1000 });
      return true;
    },
    async take(key) {
      const entry = live(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      return entry.value;
    },
    async delete(key) {
      entries.delete(key);
    },
    async increment(key, ttlSeconds) {
      assertTtl(ttlSeconds);
      const entry = live(key);
      const count = entry === undefined ? 1 : Number(entry.value) + 1;
      write(key, { value: String(count), expiresAt: entry?.expiresAt ?? now() + ttlSeconds * 1000 });
      return count;
    },
    async decrement(key) {
      const entry = live(key);
      if (entry === undefined) return 0;
      const count = Math.max(0, Number(entry.value) - 1);
      // In place: giving a slot back is not a write that makes the entry recent.
      entry.value = String(count);
      return count;
    },
    async close() {
      clearInterval(sweep);
      entries.clear();
    },
  };
}
