/**
 * The verifier's default replay guard: remembers seen signatures inside this process until
 * they expire. Bounded in memory: expired entries are dropped as new ones arrive, and past
 * `maxEntries` the oldest is evicted (it could then be replayed for the rest of its window,
 * which takes more distinct valid calls than the bound inside one drift window; use a shared
 * store such as Redis when several processes serve or traffic is that high).
 */
import type { ReplayGuardStore } from './signed-request-verifier.ts';

export interface MemoryReplayGuardOptions {
  /**
   * Most signatures remembered at once.
   * @default 200000
   */
  maxEntries?: number;
  /** Clock in milliseconds, for tests. @default Date.now */
  now?: () => number;
}

export interface MemoryReplayGuard extends ReplayGuardStore {
  /** Entries currently held (expired ones may linger until the next add). */
  readonly size: number;
}

export function memoryReplayGuard(options: MemoryReplayGuardOptions = {}): MemoryReplayGuard {
  const maxEntries = options.maxEntries ?? 200_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('memoryReplayGuard: maxEntries must be a positive integer');
  }
  const now = options.now ?? Date.now;
  // Insertion order is expiry order as long as every add uses the same TTL (the verifier's
  // case), so pruning only ever looks at the front of the map: O(1) amortised per add.
  const expiries = new Map<string, number>();

  const prune = (at: number) => {
    for (const [key, expiresAt] of expiries) {
      if (expiresAt > at) break;
      expiries.delete(key);
    }
  };

  return {
    get size() {
      return expiries.size;
    },
    async add(key, _value, ttlSeconds) {
      const at = now();
      prune(at);
      const seenUntil = expiries.get(key);
      if (seenUntil !== undefined && seenUntil > at) return false;
      if (expiries.size >= maxEntries) {
        const oldest = expiries.keys().next().value;
        if (oldest !== undefined) expiries.delete(oldest);
      }
      expiries.set(key, at + ttlSeconds * 1000);
      return true;
    },
  };
}
