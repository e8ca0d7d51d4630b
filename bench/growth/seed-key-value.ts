import { type KeyValueStore, keyValueStoreFromUrl } from '@ssokit/stores';
import { Redis } from 'ioredis';
import { SessionManager } from 'ssokit';
import { serviceUrls } from '../ssokit/client-stores.ts';
import { SESSION_TTL_SECONDS, seededSessionEntries, seededUser } from './seed-format.ts';

const REDIS_BATCH = 10_000;

/**
 * Writes sessions `from`..`to-1` (and their index and cached user) into Redis under the
 * store's key prefix, in pipelines of 10,000 commands. Returns the first session's token.
 */
export async function seedRedisSessions(
  keyPrefix: string,
  from: number,
  to: number,
): Promise<string | undefined> {
  const redis = new Redis(serviceUrls.redis, { maxRetriesPerRequest: 1 });
  let firstToken: string | undefined;
  try {
    const now = Date.now();
    const ttlMs = SESSION_TTL_SECONDS * 1000;
    for (let start = from; start < to; start += REDIS_BATCH) {
      const pipeline = redis.pipeline();
      for (let index = start; index < Math.min(to, start + REDIS_BATCH); index++) {
        const { token, entries } = seededSessionEntries(index, now, true);
        firstToken ??= token;
        for (const [key, value] of entries) pipeline.set(`${keyPrefix}${key}`, value, 'PX', ttlMs);
      }
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error !== null);
      if (failed) throw failed[0];
    }
  } finally {
    redis.disconnect();
  }
  if (firstToken !== undefined) {
    const store = keyValueStoreFromUrl(serviceUrls.redis, { keyPrefix });
    await checkSeededSession(store, firstToken, from).finally(() => store.close());
  }
  return firstToken;
}

/**
 * The same into a store in this process: the client's in-memory session store, whose users
 * are in SQL (no cached user entries).
 */
export async function seedStoreSessions(
  store: KeyValueStore,
  from: number,
  to: number,
): Promise<string | undefined> {
  let firstToken: string | undefined;
  const now = Date.now();
  for (let index = from; index < to; index++) {
    const { token, entries } = seededSessionEntries(index, now, false);
    firstToken ??= token;
    for (const [key, value] of entries) await store.set(key, value, SESSION_TTL_SECONDS);
  }
  if (firstToken !== undefined) await checkSeededSession(store, firstToken, from);
  return firstToken;
}

/** Reads a seeded session back through ssokit's SessionManager: the format still matches. */
export async function checkSeededSession(store: KeyValueStore, token: string, index: number): Promise<void> {
  const sessions = new SessionManager({ store, ttlSeconds: SESSION_TTL_SECONDS, parsedCacheSize: 0 });
  const session = await sessions.read(token);
  if (session?.user.username !== seededUser(index).username) {
    throw new Error('a seeded session does not read back through SessionManager: the storage format changed');
  }
}
