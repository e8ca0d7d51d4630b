import { keyValueStoreFromUrl } from '@ssokit/stores';
import { Redis } from 'ioredis';
import { serviceUrls } from '../ssokit/client-stores.ts';
import { checkSeededSession, newSeedSalt, SESSION_TTL_SECONDS, seededSessionEntries } from './seed-format.ts';

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
    const salt = newSeedSalt();
    const ttlMs = SESSION_TTL_SECONDS * 1000;
    for (let start = from; start < to; start += REDIS_BATCH) {
      const pipeline = redis.pipeline();
      for (let index = start; index < Math.min(to, start + REDIS_BATCH); index++) {
        const { token, entries } = seededSessionEntries(salt, index, now, true);
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
