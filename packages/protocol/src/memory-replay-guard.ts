import { createHash } from 'node:crypto';
import type { ReplayGuardStore } from './signed-request-verifier.ts';

export interface MemoryReplayGuardOptions {
  /**
   * Most entries remembered at once. When one window's traffic fills half of it, the older
   * window is forgotten early: its calls could then be replayed. Use a shared store such as
   * Redis where that much traffic, or more than one process, is expected.
   * @default 200000
   */
  maxEntries?: number;
  /** Clock in milliseconds, for tests. @default Date.now */
  now?: () => number;
}

export interface MemoryReplayGuard extends ReplayGuardStore {
  /** Entries currently held. */
  readonly size: number;
  /**
   * The verifier's hot path: records a verified signature's raw bytes (at least 16 random
   * bytes), without a promise or a string; false when they were seen inside the window.
   * `nowMs` saves a clock read when the caller has just made one.
   */
  addBytes(id: Uint8Array, ttlSeconds: number, nowMs?: number): boolean;
}

/** Four bytes as an unsigned 32-bit number, without allocating a view. */
function word(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] as number) << 24) |
      ((bytes[at + 1] as number) << 16) |
      ((bytes[at + 2] as number) << 8) |
      (bytes[at + 3] as number)) >>>
    0
  );
}

/**
 * A set of 128-bit fingerprints in one typed array (open addressing, linear probing): no
 * object per entry, so remembering every call for ten minutes costs the garbage collector
 * nothing. Grows by doubling while at most half full.
 */
class FingerprintSet {
  size = 0;
  #slots: Uint32Array;
  #mask: number;

  /** @param capacity slots to start with, a power of two (the last window's size avoids regrowing) */
  constructor(capacity = 1024) {
    this.#slots = new Uint32Array(4 * capacity);
    this.#mask = capacity - 1;
  }

  get capacity(): number {
    return this.#mask + 1;
  }

  /** True when added, false when already present. Word `a` is never 0 (0 marks a free slot). */
  add(a: number, b: number, c: number, d: number): boolean {
    const slots = this.#slots;
    let index = a & this.#mask;
    for (;;) {
      const at = index * 4;
      if (slots[at] === 0) break;
      if (slots[at] === a && slots[at + 1] === b && slots[at + 2] === c && slots[at + 3] === d) return false;
      index = (index + 1) & this.#mask;
    }
    this.#put(index * 4, a, b, c, d);
    return true;
  }

  has(a: number, b: number, c: number, d: number): boolean {
    const slots = this.#slots;
    let index = a & this.#mask;
    for (;;) {
      const at = index * 4;
      if (slots[at] === 0) return false;
      if (slots[at] === a && slots[at + 1] === b && slots[at + 2] === c && slots[at + 3] === d) return true;
      index = (index + 1) & this.#mask;
    }
  }

  #put(at: number, a: number, b: number, c: number, d: number): void {
    const slots = this.#slots;
    slots[at] = a;
    slots[at + 1] = b;
    slots[at + 2] = c;
    slots[at + 3] = d;
    this.size++;
    if (this.size * 2 > this.#mask + 1) this.#grow();
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(old.length * 2);
    this.#mask = this.#mask * 2 + 1;
    this.size = 0;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at] !== 0)
        this.add(old[at] as number, old[at + 1] as number, old[at + 2] as number, old[at + 3] as number);
    }
  }
}

/**
 * The verifier's default replay guard, inside this process. Two generations, each one TTL
 * long: a call is refused while its fingerprint is in either, so an entry is remembered for
 * at least its TTL and at most twice that, and memory follows the traffic of two windows.
 */
export function memoryReplayGuard(options: MemoryReplayGuardOptions = {}): MemoryReplayGuard {
  const maxEntries = options.maxEntries ?? 200_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 2) {
    throw new TypeError('memoryReplayGuard: maxEntries must be an integer >= 2');
  }
  const now = options.now ?? Date.now;
  let current = new FingerprintSet();
  let previous = new FingerprintSet();
  let currentSince = now();
  let windowMs = 0;

  const rotate = (at: number) => {
    previous = at - currentSince >= 2 * windowMs ? new FingerprintSet() : current;
    current = new FingerprintSet(previous.capacity);
    currentSince = at;
  };

  const addWords = (a: number, b: number, c: number, d: number, ttlSeconds: number, at: number): boolean => {
    if (!(ttlSeconds > 0)) throw new TypeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
    windowMs = Math.max(windowMs, ttlSeconds * 1000);
    if (at - currentSince >= windowMs) rotate(at);
    const word = a === 0 ? 1 : a;
    if (previous.size > 0 && previous.has(word, b, c, d)) return false;
    if (!current.add(word, b, c, d)) return false;
    if (current.size >= maxEntries / 2) rotate(at);
    return true;
  };

  const addBytes = (id: Uint8Array, ttlSeconds: number, nowMs?: number): boolean => {
    if (id.length < 16) throw new TypeError('memoryReplayGuard: an id needs at least 16 bytes');
    return addWords(word(id, 0), word(id, 4), word(id, 8), word(id, 12), ttlSeconds, nowMs ?? now());
  };

  return {
    get size() {
      return current.size + previous.size;
    },
    addBytes,
    // Any string key (a shared-store style `apikey:signature`) becomes a 128-bit fingerprint.
    add: async (key, _value, ttlSeconds) => addBytes(createHash('sha256').update(key).digest(), ttlSeconds),
  };
}
