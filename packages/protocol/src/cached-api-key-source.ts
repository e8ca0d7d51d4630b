import type { ApiKeyRecord, ApiKeySource } from './api-key-source.ts';

export interface CachedApiKeySourceOptions {
  /**
   * How long a found record is reused, in milliseconds. A key removed or a secret retired by
   * another process (the admin CLI, another server) still verifies here for up to this long;
   * changes made through `invalidate` take effect at once. 0 turns the cache off.
   * @default 5000
   */
  ttlMs?: number;
  /**
   * Records kept at most; the oldest is dropped beyond it.
   * @default 1000
   */
  maxEntries?: number;
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  now?: () => number;
}

/** A source whose answers are reused for a short time, and which can be told to forget a key. */
export interface CachedApiKeySource<Found extends ApiKeyRecord = ApiKeyRecord> extends ApiKeySource {
  findApiKey(apiKey: string): Promise<Found | undefined>;
  /** Forgets one key (after a remove or a rotation), or every key when called without one. */
  invalidate(apiKey?: string): void;
}

interface Entry<Found> {
  value: Promise<Found>;
  expiresAt: number;
}

/**
 * Reuses the answers of a slow API-key source (SQL) for `ttlMs`: a provider looks its client's
 * key up on every signed call and on every login page, several times per login.
 *
 * Only found records are kept: a key registered elsewhere is seen at once, and made-up keys
 * cannot fill the cache. Concurrent lookups of one key share one query. A failed lookup is
 * not kept, so an outage ends with the next call. Call `invalidate` after changing a key.
 */
export function cachedApiKeySource<Found extends ApiKeyRecord>(
  source: { findApiKey(apiKey: string): Promise<Found | undefined> },
  options: CachedApiKeySourceOptions = {},
): CachedApiKeySource<Found> {
  const ttlMs = options.ttlMs ?? 5000;
  if (!Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new TypeError('cachedApiKeySource: options.ttlMs must be a number >= 0');
  }
  const maxEntries = options.maxEntries ?? 1000;
  if (!Number.isInteger(maxEntries) || maxEntries <= 0) {
    throw new TypeError('cachedApiKeySource: options.maxEntries must be a positive integer');
  }
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry<Found | undefined>>();

  const findApiKey = (apiKey: string): Promise<Found | undefined> => {
    const entry = entries.get(apiKey);
    const time = now();
    if (entry !== undefined && entry.expiresAt > time) return entry.value;
    if (entry !== undefined) entries.delete(apiKey);
    const value = source.findApiKey(apiKey);
    if (ttlMs === 0) return value;
    const fresh: Entry<Found | undefined> = { value, expiresAt: time + ttlMs };
    entries.set(apiKey, fresh);
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    // Only the entry made here: `invalidate` may have dropped it and a newer lookup replaced it.
    const forget = () => {
      if (entries.get(apiKey) === fresh) entries.delete(apiKey);
    };
    value.then((record) => {
      if (record === undefined) forget();
    }, forget);
    return value;
  };

  const invalidate = (apiKey?: string) => {
    if (apiKey === undefined) entries.clear();
    else entries.delete(apiKey);
  };

  return { findApiKey, invalidate };
}
