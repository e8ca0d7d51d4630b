import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type KeyValueStore, keyValueStoreFromUrl } from '@ssokit/stores';
import { skipUnlessServiceRuns, testServiceUrls } from '@ssokit/stores/testing';
import { TestBrowser } from './support/browser.ts';
import { CALLBACK, type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import { authTokenPath, loginPath, requestTokenPath } from './support/python2-sso-client.ts';

const storeUrls = {
  redis: testServiceUrls.redis,
  memcached: `memcached://${testServiceUrls.memcached.replace(/^memcached:\/\//, '')}`,
} as const;

function sharedStoreSuite(kind: keyof typeof storeUrls, skip: string | false) {
  describe(`two provider processes sharing ${kind}`, { skip }, () => {
    const folder = mkdtempSync(join(tmpdir(), 'ssokit-provider-shared-'));
    const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
    const stores: KeyValueStore[] = [];
    let first: ProviderFixture;
    let second: ProviderFixture;

    before(async () => {
      const start = async () => {
        const store = keyValueStoreFromUrl(storeUrls[kind], { keyPrefix });
        stores.push(store);
        return startProviderFixture({
          keyValueStore: store,
          database: `sqlite:${join(folder, 'shared.sqlite')}`,
        });
      };
      first = await start();
      second = await start();
    });
    after(async () => {
      await first?.close();
      await second?.close();
      for (const store of stores) await store.close();
      rmSync(folder, { recursive: true, force: true });
    });

    it('issues a token on one, signs in on the other, and redeems on the first', async () => {
      const issued = await fetch(`${first.url}${requestTokenPath(first.client)}`);
      const { request_token: token } = (await issued.json()) as { request_token: string };
      const browser = new TestBrowser(second.url);
      const url = loginPath(second.client, token, CALLBACK);
      const form = await browser.get(url);
      assert.equal(form.status, 200);
      const posted = await browser.post(url, {
        csrf_token: TestBrowser.csrfField(form.body),
        username: 'user1',
        password: '123',
      });
      assert.equal(posted.status, 302);
      const authToken = new URL(posted.location ?? '').searchParams.get('auth_token') ?? '';
      const answer = await fetch(`${first.url}${authTokenPath(first.client, token, authToken)}`);
      assert.equal(answer.status, 200);
      assert.match(await answer.text(), /"username": "user1"/);
      const again = await fetch(`${second.url}${authTokenPath(second.client, token, authToken)}`);
      assert.equal(await again.text(), '{"error": "request token not found"}');
    });

    it('answers one signed call sent to both processes on each, with two tokens', async () => {
      const path = requestTokenPath(first.client);
      const answers = await Promise.all([fetch(`${first.url}${path}`), fetch(`${second.url}${path}`)]);
      const bodies = await Promise.all(answers.map((answer) => answer.text()));
      assert.deepEqual(
        answers.map((answer) => answer.status),
        [200, 200],
        bodies.join(' '),
      );
      assert.notEqual(bodies[0], bodies[1]);
    });

    it('keeps the provider session across processes', async () => {
      const browser = new TestBrowser(first.url);
      const form = await browser.get('/login/');
      await browser.post('/login/', {
        csrf_token: TestBrowser.csrfField(form.body),
        username: 'user2',
        password: '456',
      });
      const elsewhere = new TestBrowser(second.url);
      for (const [name, value] of browser.cookies) elsewhere.cookies.set(name, value);
      assert.match((await elsewhere.get('/')).body, /Signed in as <strong>user2<\/strong>/);
    });
  });
}

sharedStoreSuite('redis', await skipUnlessServiceRuns('redis'));
sharedStoreSuite('memcached', await skipUnlessServiceRuns('memcached'));

describe('a store or database that is down', () => {
  let fixture: ProviderFixture;
  let deadStore: KeyValueStore;
  before(async () => {
    // Nothing listens on port 1: every operation fails fast, as with Redis down.
    deadStore = keyValueStoreFromUrl('redis://127.0.0.1:1', {
      operationTimeoutMs: 300,
      connectTimeoutMs: 300,
    });
    fixture = await startProviderFixture({ keyValueStore: deadStore });
  });
  after(async () => {
    await fixture?.close();
    await deadStore?.close();
  });

  it('answers signed calls with 503 {"error": "service unavailable"} and the pages with a 503 page', async () => {
    const api = await fetch(`${fixture.url}${requestTokenPath(fixture.client)}`);
    assert.equal(api.status, 503);
    assert.equal(await api.text(), '{"error": "service unavailable"}');
    const page = await fetch(`${fixture.url}${loginPath(fixture.client, 'a'.repeat(32), CALLBACK)}`);
    assert.equal(page.status, 503);
    assert.match(await page.text(), /Service unavailable/);
    const home = await new TestBrowser(fixture.url).request('GET', '/', {
      headers: { cookie: `ssokit_provider_session=${'a'.repeat(64)}` },
    });
    assert.equal(home.status, 503);
  });

  it('logs the outage without the store password or any token', () => {
    const errors = fixture.logs.filter((line) => line.level === 50);
    assert.ok(errors.length > 0);
    assert.ok(!fixture.logText().includes('a'.repeat(32)));
  });
});

describe('an accounts database that is down', () => {
  it('answers the login page and signed calls with 503, and the server keeps answering', async () => {
    const { createProviderApp } = await import('../src/create-provider-app.ts');
    const { silentLogger } = await import('../src/logging/provider-logger.ts');
    const app = createProviderApp({ database: 'postgres://postgres@127.0.0.1:1/none', logger: silentLogger });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    try {
      const page = await fetch(
        `http://127.0.0.1:${port}${loginPath({ apiKey: 'k', secret: '', providerUrl: '', now: Date.now }, 'a'.repeat(32), CALLBACK)}`,
      );
      // The token lookup (memory store) finds nothing first: the original's answer.
      assert.equal(page.status, 403);
      const signed = await fetch(
        `http://127.0.0.1:${port}${requestTokenPath({ apiKey: 'k', secret: 's', providerUrl: '', now: Date.now })}`,
      );
      assert.equal(signed.status, 503);
      assert.equal(await signed.text(), '{"error": "service unavailable"}');
      const home = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(home.status, 200);
    } finally {
      server.close();
      await app.provider.close();
    }
  });
});
