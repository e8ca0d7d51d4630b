import { assertTtl, type KeyValueStore } from './key-value-store.ts';

interface Entry {
  value: string;
  expiresAt: number;
}

export interface MemoryKeyValueStoreOptions {
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
 * operation is synchronous under the hood, so `add`, `take` and `increment` are atomic.
 */
export function memoryKeyValueStore(options: MemoryKeyValueStoreOptions = {}): KeyValueStore & {
  readonly size: number;
} {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

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
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    },
    async add(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      if (live(key) !== undefined) return false;
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
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
      entries.set(key, { value: String(count), expiresAt: entry?.expiresAt ?? now() + ttlSeconds * 1000 });
      return count;
    },
    async close() {
      clearInterval(sweep);
      entries.clear();
    },
  };
}
