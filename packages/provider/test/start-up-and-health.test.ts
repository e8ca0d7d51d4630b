import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keyValueStoreFromUrl } from '@ssokit/stores';
import { eventually, skipUnlessServiceRuns } from '@ssokit/stores/testing';
import { tcpProxy } from '../../stores/test/tcp-proxy.ts';
import { skipUnlessInstalled, throwawayRedis } from '../../stores/test/throwaway-service.ts';
import { silentLogger } from '../src/logging/provider-logger.ts';
import { ensureClient } from '../src/seeding.ts';
import { serveProvider } from '../src/serve-provider.ts';
import { CLIENT, type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import { requestTokenPath } from './support/python2-sso-client.ts';
import { temporaryDatabase } from './support/temporary-database.ts';

interface Readiness {
  ready: boolean;
  state: string;
  checks: { database: string; keyValueStore: string };
}

async function readyz(url: string): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as Readiness };
}

describe('/healthz and /readyz', () => {
  for (const trustProxy of [false, true]) {
    describe(`with trustProxy ${trustProxy}`, () => {
      let fixture: ProviderFixture;
      before(async () => {
        fixture = await startProviderFixture({ trustProxy });
      });
      after(() => fixture.close());

      it('answers /healthz 200 and /readyz 200 naming each dependency, without a cookie', async () => {
        const health = await fetch(`${fixture.url}/healthz`);
        assert.equal(health.status, 200);
        assert.deepEqual(await health.json(), { status: 'ok' });
        assert.equal(health.headers.get('set-cookie'), null);
        assert.equal(health.headers.get('cache-control'), 'no-store');
        const ready = await readyz(fixture.url);
        assert.equal(ready.status, 200);
        assert.deepEqual(ready.body, {
          ready: true,
          state: 'serving',
          checks: { database: 'ok', keyValueStore: 'ok' },
        });
      });

      it('answers a burst of probes without a rate limit or a log line, and refuses POST with 405', async () => {
        const before = fixture.logs.length;
        const answers = await Promise.all(
          Array.from({ length: 60 }, (_, i) => fetch(`${fixture.url}/${i % 2 ? 'healthz' : 'readyz'}`)),
        );
        assert.deepEqual(
          answers.map((answer) => answer.status),
          answers.map(() => 200),
        );
        assert.equal(fixture.logs.length, before);
        const post = await fetch(`${fixture.url}/readyz`, { method: 'POST' });
        assert.equal(post.status, 405);
        assert.equal(post.headers.get('allow'), 'GET, HEAD');
      });

      it('answers /readyz 503 from the first moment of a drain, /healthz still 200', async () => {
        fixture.running.provider.drain();
        const ready = await readyz(fixture.url);
        assert.equal(ready.status, 503);
        assert.equal(ready.body.state, 'draining');
        assert.equal(ready.body.ready, false);
        assert.equal((await fetch(`${fixture.url}/healthz`)).status, 200);
      });
    });
  }
});

for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`a provider started while its ${dialect} database is down`, {
    skip: await skipUnlessServiceRuns(dialect),
  }, () => {
    it('serves 503 (pages, JSON endpoints, /readyz naming the database), then comes up by itself', async () => {
      const database = await temporaryDatabase(dialect);
      const target = new URL(database.url);
      const proxy = tcpProxy({ host: target.hostname, port: Number(target.port) });
      await proxy.start();
      await proxy.stop();
      target.port = String(proxy.port);
      const running = await serveProvider({
        port: 0,
        database: target.toString(),
        logger: silentLogger,
        passwordHashing: { memoryCost: 1024, timeCost: 1 },
      });
      try {
        assert.equal(running.provider.state, 'starting');
        const home = await fetch(`${running.url}/`);
        assert.equal(home.status, 503);
        assert.equal(home.headers.get('retry-after'), '5');
        assert.match(await home.text(), /starting up/);
        const signed = await fetch(
          `${running.url}${requestTokenPath({ ...CLIENT, providerUrl: '', now: Date.now })}`,
        );
        assert.equal(signed.status, 503);
        assert.equal(await signed.text(), '{"error": "service unavailable"}');
        const ready = await readyz(running.url);
        assert.equal(ready.status, 503);
        assert.equal(ready.body.state, 'starting');
        assert.notEqual(ready.body.checks.database, 'ok');
        assert.equal(ready.body.checks.keyValueStore, 'ok');
        assert.equal((await fetch(`${running.url}/healthz`)).status, 200);

        await proxy.start();
        assert.equal(await running.migrated, true);
        await eventually(async () => (await readyz(running.url)).status === 200, 10_000, 'ready');
        assert.equal((await fetch(`${running.url}/`)).status, 200);
        await ensureClient(running.provider.clientStore as never, CLIENT);
        const token = await fetch(
          `${running.url}${requestTokenPath({ ...CLIENT, providerUrl: '', now: Date.now })}`,
        );
        assert.equal(token.status, 200);
      } finally {
        await running.close();
        await proxy.stop();
        await database.drop();
      }
    });
  });
}

describe('a provider started while its Redis is down', { skip: skipUnlessInstalled('redis-server') }, () => {
  it('serves signed calls 503 and /readyz names the store, then answers once Redis is up', async () => {
    const redis = await throwawayRedis();
    const keyValueStore = keyValueStoreFromUrl(`redis://127.0.0.1:${redis.port}`, { keyPrefix: '' });
    const running = await serveProvider({
      port: 0,
      database: 'sqlite::memory:',
      keyValueStore,
      logger: silentLogger,
      passwordHashing: { memoryCost: 1024, timeCost: 1 },
    });
    try {
      await ensureClient(running.provider.clientStore as never, CLIENT);
      const client = { ...CLIENT, providerUrl: '', now: Date.now };
      const signed = await fetch(`${running.url}${requestTokenPath(client)}`);
      assert.equal(signed.status, 503);
      assert.equal(await signed.text(), '{"error": "service unavailable"}');
      const ready = await readyz(running.url);
      assert.equal(ready.status, 503);
      assert.equal(ready.body.checks.database, 'ok');
      assert.notEqual(ready.body.checks.keyValueStore, 'ok');

      await redis.start();
      await eventually(async () => (await readyz(running.url)).status === 200, 10_000, 'ready');
      assert.equal((await fetch(`${running.url}${requestTokenPath(client)}`)).status, 200);
    } finally {
      await running.close();
      await keyValueStore.close();
      await redis.dispose();
    }
  });
});
