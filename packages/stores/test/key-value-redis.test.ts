import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { keyValueStoreFromUrl, redisKeyValueStore } from '../src/index.ts';
import { skipUnlessServiceRuns, testKeyValueStore, testServiceUrls } from '../src/testing/index.ts';

const skip = await skipUnlessServiceRuns('redis');
// Every run writes under its own prefix: other suites use the same Redis at the same time.
const keyPrefix = `ssokit-test:${randomBytes(6).toString('hex')}:`;

testKeyValueStore(
  'redis (caller-owned ioredis client)',
  () => {
    const client = new Redis(testServiceUrls.redis, { maxRetriesPerRequest: 1 });
    const store = redisKeyValueStore({ client, keyPrefix });
    return { ...store, close: async () => void (await client.quit()) };
  },
  { skip },
);

testKeyValueStore(
  'redis (keyValueStoreFromUrl)',
  () => keyValueStoreFromUrl(testServiceUrls.redis, { keyPrefix }),
  // The same store code on the same server: the suite above waits for the real expiries.
  { skip, realTimeExpiry: false },
);
