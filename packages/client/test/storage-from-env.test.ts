import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { cachedKeyValueStore, keyValueStoreFromUrl } from '@ssokit/stores';
import { eventually, skipUnlessServiceRuns, testServiceUrls, uniqueTestName } from '@ssokit/stores/testing';
import { buildClientContext } from '../src/client-context.ts';
import { resolveClientConfig } from '../src/config/client-config.ts';
import { lookupSession } from '../src/session/session-flows.ts';
import { SessionManager } from '../src/session/session-manager.ts';

const credentials = { providerUrl: 'http://127.0.0.1:9', apiKey: 'k', secretKey: 'x'.repeat(32) };
const quiet = { info() {}, warn() {}, error() {} };

describe('storage from the environment', { skip: await skipUnlessServiceRuns('redis') }, () => {
  it('SSOKIT_SESSION_STORE=redis://… opens Redis with the read cache, and close() closes it', async () => {
    const context = buildClientContext<Record<string, unknown>>(
      resolveClientConfig(
        { ...credentials, logger: quiet },
        { SSOKIT_SESSION_STORE: testServiceUrls.redis, SSOKIT_USER_STORAGE: 'cache' },
      ),
    );
    try {
      const user = { id: randomInt(1e9), username: 'env-user', extras: {} };
      await context.users.save(user);
      assert.deepEqual(await context.users.get(user.id), user);
      const { token } = await context.sessions.create(user);
      const cookie = `ssokit_session=${token}`;
      // A later read answers from the cache: no promise.
      await eventually(
        async () => {
          const lookup = lookupSession(context, cookie, {});
          assert.equal((await lookup).user?.username, 'env-user');
          return !(lookup instanceof Promise);
        },
        2000,
        'the session is read from the cache',
        10,
      );
      await context.sessions.invalidate(token);
      assert.equal((await lookupSession(context, cookie, {})).user, undefined);
      await context.users.delete(user.id);
    } finally {
      await context.close();
    }
  });

  it('readCache: false reads the store at every request', async () => {
    const context = buildClientContext<Record<string, unknown>>(
      resolveClientConfig(
        { ...credentials, logger: quiet, readCache: false, userStorage: 'cache' },
        { SSOKIT_SESSION_STORE: testServiceUrls.redis },
      ),
    );
    try {
      const { token } = await context.sessions.create({ id: randomInt(1e9), username: 'u', extras: {} });
      for (let i = 0; i < 5; i++) {
        const lookup = lookupSession(context, `ssokit_session=${token}`, {});
        assert.ok(lookup instanceof Promise);
        assert.equal((await lookup).user?.username, 'u');
      }
      await context.sessions.invalidate(token);
    } finally {
      await context.close();
    }
  });

  it('a flood of distinct cookies never grows the read cache past its bound', async () => {
    const store = cachedKeyValueStore({
      store: keyValueStoreFromUrl(testServiceUrls.redis, { keyPrefix: `${uniqueTestName('flood')}:` }),
      ownsStore: true,
      maxEntries: 100,
    });
    const context = buildClientContext<Record<string, unknown>>(
      resolveClientConfig({ ...credentials, logger: quiet, sessionStore: store, userStorage: 'cache' }, {}),
    );
    try {
      await eventually(() => store.caching, 5000, 'the channel is up');
      const { token } = await context.sessions.create({ id: randomInt(1e9), username: 'busy', extras: {} });
      for (let round = 0; round < 40; round++) {
        const lookups = Array.from({ length: 50 }, () =>
          lookupSession(context, `ssokit_session=${randomBytes(32).toString('base64url')}`, {}),
        );
        for (const lookup of await Promise.all(lookups)) assert.equal(lookup.user, undefined);
        assert.ok(store.size <= 100, `${store.size} entries`);
      }
      assert.ok(store.size >= 50, 'the flood was cached (within the bound)');
      // The real session still works: it is read again once the flood evicted it.
      assert.equal((await lookupSession(context, `ssokit_session=${token}`, {})).user?.username, 'busy');
    } finally {
      await context.close();
      await store.close();
    }
  });

  it('sliding expiry through the cache: renewed once past half its life, by one write, seen by the other process', async () => {
    const prefix = `${uniqueTestName('slide')}:`;
    const open = () =>
      cachedKeyValueStore({
        store: keyValueStoreFromUrl(testServiceUrls.redis, { keyPrefix: prefix }),
        ownsStore: true,
      });
    const [storeA, storeB] = [open(), open()];
    let now = Date.now();
    const clock = () => now;
    const a = new SessionManager({ store: storeA, ttlSeconds: 100, epochCacheMs: 0, now: clock });
    const b = new SessionManager({ store: storeB, ttlSeconds: 100, epochCacheMs: 0, now: clock });
    try {
      await eventually(() => storeA.caching && storeB.caching, 5000, 'both channels are up');
      const { token, expiresAt } = await a.create({ id: randomInt(1e9), username: 'slider', extras: {} });
      assert.equal((await b.read(token))?.renewed, false);
      now += 60_000;
      const renewed = await b.read(token);
      assert.equal(renewed?.renewed, true);
      assert.ok((renewed?.expiresAt ?? 0) > expiresAt);
      // Once renewed, later reads write nothing, here or in the other process.
      assert.equal((await b.read(token))?.renewed, false);
      await eventually(
        async () => (await a.read(token))?.expiresAt === renewed?.expiresAt,
        1000,
        'the other process sees the renewed expiry',
      );
      assert.equal((await a.read(token))?.renewed, false);
    } finally {
      await storeA.close();
      await storeB.close();
    }
  });
});
