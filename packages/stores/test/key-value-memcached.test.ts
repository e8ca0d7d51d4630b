import { randomBytes } from 'node:crypto';
import memjs from 'memjs';
import { keyValueStoreFromUrl, memcachedKeyValueStore } from '../src/index.ts';
import { skipUnlessServiceRuns, testKeyValueStore, testServiceUrls } from '../src/testing/index.ts';

const skip = await skipUnlessServiceRuns('memcached');
// Every run writes under its own prefix: other suites use the same memcached at the same time.
const keyPrefix = `ssokit-test:${randomBytes(6).toString('hex')}:`;
const hostAndPort = testServiceUrls.memcached.replace(/^memcached:\/\//, '');

testKeyValueStore(
  'memcached (caller-owned memjs client)',
  () => {
    const client = memjs.Client.create(hostAndPort, { retries: 1, logger: { log: () => {} } });
    const store = memcachedKeyValueStore({ client, keyPrefix });
    return { ...store, close: async () => client.close() };
  },
  { skip },
);

testKeyValueStore(
  'memcached (keyValueStoreFromUrl)',
  () => keyValueStoreFromUrl(`memcached://${hostAndPort}`, { keyPrefix }),
  // The same store code on the same server: the suite above waits for the real expiries.
  { skip, realTimeExpiry: false },
);
