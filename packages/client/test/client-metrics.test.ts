import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ensureAccount,
  ensureClient,
  type RunningProvider,
  serveProvider,
  silentLogger,
} from '@ssokit/provider';
import { keyValueStoreFromUrl } from '@ssokit/stores';
import { Registry } from 'prom-client';
import { metricValue } from '../../provider/test/support/metric-value.ts';
import { ssoClientMetrics } from '../src/metrics/index.ts';
import { API_KEY, SECRET_KEY } from './fixtures.ts';
import { signIn, signInAtProvider, startTestApp, type TestApp } from './test-app.ts';
import { TestBrowser } from './test-browser.ts';

describe('client metrics through the events option and ssoClientMetrics', () => {
  let provider: RunningProvider;
  let app: TestApp;
  const registry = new Registry();
  before(async () => {
    provider = await serveProvider({
      port: 0,
      database: 'sqlite::memory:',
      passwordHashing: { memoryCost: 1024, timeCost: 1 },
      logger: silentLogger,
    });
    await ensureAccount(provider.provider.accounts, { username: 'user1', password: '123' });
    app = await startTestApp({
      providerUrl: provider.url,
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      events: ssoClientMetrics(registry),
    });
    await ensureClient(provider.provider.clientStore as never, {
      apiKey: API_KEY,
      secret: SECRET_KEY,
      host: app.host,
    });
  });
  after(async () => {
    await app.close();
    await provider.close();
  });

  it('counts a login started and completed, and times both provider calls', async () => {
    const answer = await signIn(new TestBrowser(), app, { username: 'user1', password: '123' });
    assert.equal(answer.status, 302);
    assert.equal(await metricValue(registry, 'ssokit_client_logins_started_total'), 1);
    assert.equal(await metricValue(registry, 'ssokit_client_logins_completed_total'), 1);
    const calls = await registry.getSingleMetricAsString('ssokit_client_provider_call_duration_seconds');
    assert.match(calls, /_count\{endpoint="reqeusttoken",outcome="ok"\} 1/);
    assert.match(calls, /_count\{endpoint="authtoken",outcome="ok"\} 1/);
  });

  it('counts a callback replayed by another browser as refused, by its error code', async () => {
    const { callback } = await signInAtProvider(new TestBrowser(), app, {
      username: 'user1',
      password: '123',
    });
    const replayed = await new TestBrowser().request(callback.location as string);
    assert.equal(replayed.status, 403);
    const text = await registry.getSingleMetricAsString('ssokit_client_logins_refused_total');
    assert.match(text, /ssokit_client_logins_refused_total\{stage="complete",reason="[A-Z_]+"\} 1/);
    assert.ok(!text.includes('user1'));
  });

  it('counts provider call errors when the provider is down', async () => {
    await provider.close();
    const start = await new TestBrowser().request(`${app.url}/accounts/login/`);
    assert.ok(start.status >= 500);
    assert.equal(
      await metricValue(registry, 'ssokit_client_provider_call_errors_total', { endpoint: 'reqeusttoken' }),
      1,
    );
    assert.equal(await metricValue(registry, 'ssokit_client_logins_refused_total', { stage: 'begin' }), 1);
  });
});

describe('client session store errors', () => {
  it('are counted by operation when the store is down', async () => {
    const registry = new Registry();
    const store = keyValueStoreFromUrl('redis://127.0.0.1:1', { keyPrefix: '', connectTimeoutMs: 200 });
    const app = await startTestApp({
      providerUrl: 'http://127.0.0.1:1',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      sessionStore: store,
      events: ssoClientMetrics(registry),
    });
    try {
      const page = await new TestBrowser().request(`${app.url}/private`, {
        headers: { cookie: `ssokit_session=${'a'.repeat(43)}` },
      });
      assert.equal(page.status, 503);
      assert.ok(
        (await metricValue(registry, 'ssokit_client_session_store_errors_total', { operation: 'get' })) >= 1,
      );
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('an events callback that throws is logged and never breaks a request', async () => {
    const app = await startTestApp({
      providerUrl: 'http://127.0.0.1:1',
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      events: {
        loginRefused() {
          throw new Error('broken metrics');
        },
      },
    });
    try {
      const start = await new TestBrowser().request(`${app.url}/accounts/login/`);
      assert.equal(start.status, 502);
    } finally {
      await app.close();
    }
  });
});
