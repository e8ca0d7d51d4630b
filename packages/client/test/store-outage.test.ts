import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type KeyValueStore, keyValueStoreFromUrl } from '@ssokit/stores';
import { eventually } from '@ssokit/stores/testing';
import { API_KEY, SECRET_KEY, transcriptUsers } from './fixtures.ts';
import { type OriginalDjSsoServer, startOriginalDjSsoServer } from './original-dj-sso-server.ts';
import { FRAMEWORKS, memoryLogger, signIn, startTestApp, type TestApp } from './test-app.ts';
import { TestBrowser } from './test-browser.ts';

function skipWithoutRedisServer(): string | false {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0) return false;
  if (process.env.CI === 'true')
    throw new Error('redis-server is not installed, and CI must run the outage tests');
  return 'redis-server is not installed';
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A redis-server of this test only (never the shared one), without persistence. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const probe = keyValueStoreFromUrl(`redis://127.0.0.1:${port}`, { operationTimeoutMs: 200 });
  await eventually(async () => (await probe.get('probe')) === undefined, 10_000, 'redis-server answers');
  await probe.close();
  return child;
}

for (const framework of FRAMEWORKS) {
  describe(`a session store that goes down and comes back (${framework})`, {
    skip: skipWithoutRedisServer(),
  }, () => {
    let redis: ChildProcess;
    let port: number;
    let store: KeyValueStore;
    let provider: OriginalDjSsoServer;
    let app: TestApp;
    const logger = memoryLogger();
    const storeErrors = () => logger.lines.filter((line) => line.message === 'session store is unavailable');

    before(async () => {
      port = await freePort();
      redis = await startRedis(port);
      store = keyValueStoreFromUrl(`redis://127.0.0.1:${port}`, {
        operationTimeoutMs: 300,
        keyPrefix: 'outage:',
      });
      provider = await startOriginalDjSsoServer({
        apiKey: API_KEY,
        secretKey: SECRET_KEY,
        users: transcriptUsers(),
      });
      app = await startTestApp(
        {
          providerUrl: provider.url,
          apiKey: API_KEY,
          secretKey: SECRET_KEY,
          sessionStore: store,
          userStorage: 'cache',
          logger,
        },
        framework,
      );
      provider.bindHost(app.host);
    });
    after(async () => {
      redis.kill('SIGKILL');
      await app.close();
      await store.close();
      await provider.close();
    });

    it('answers 503 to pages that need the user while Redis hangs, then recovers with the session intact', async () => {
      const browser = new TestBrowser();
      await signIn(browser, app, { username: 'user1', password: '123' });
      assert.equal((await browser.request(`${app.url}/private`)).status, 200);

      redis.kill('SIGSTOP');
      try {
        const page = await browser.request(`${app.url}/private`);
        assert.equal(page.status, 503);
        assert.match(page.body, /Service temporarily unavailable/);
        const api = await browser.request(`${app.url}/api/data`, { accept: 'application/json' });
        assert.equal(api.status, 503);
        assert.equal(JSON.parse(api.body).error, 'STORE_UNAVAILABLE');
        const home = await browser.request(`${app.url}/`);
        assert.equal(home.status, 200, 'a page that does not need the user still works');
        assert.equal(home.body, 'anonymous');
        assert.equal(storeErrors().length, 1, 'the outage is logged once, not once per request');
      } finally {
        redis.kill('SIGCONT');
      }
      await eventually(
        async () => (await browser.request(`${app.url}/private`)).status === 200,
        10_000,
        'the signed-in page works again',
      );
      assert.ok(logger.lines.some((line) => line.message === 'session store is available again'));
    });

    it('answers 503 at sign-in and logout while Redis is gone, and signs in again once it is back', async () => {
      const browser = new TestBrowser();
      await signIn(browser, app, { username: 'user2', password: '456' });
      redis.kill('SIGKILL');
      await once(redis, 'exit');

      const login = await new TestBrowser().request(`${app.url}/accounts/login/`);
      assert.equal(login.status, 503);
      const logout = await browser.request(`${app.url}/accounts/logout/`, { method: 'POST' });
      assert.equal(logout.status, 503);
      assert.ok(
        logout.setCookies.some((line) => /^ssokit_session=; Max-Age=0;/.test(line)),
        'the cookie is dropped anyway',
      );

      redis = await startRedis(port);
      await eventually(
        async () => (await new TestBrowser().request(`${app.url}/accounts/login/`)).status === 302,
        10_000,
        'sign-in works again',
      );
      const done = await signIn(browser, app, { username: 'user2', password: '456' });
      assert.equal(done.status, 302);
      assert.equal((await browser.request(`${app.url}/`)).body, 'hello user2');
    });
  });
}
