import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { keyValueStoreFromUrl } from '@ssokit/stores';
import { skipUnlessServiceRuns, tcpProxy, testServiceUrls } from '@ssokit/stores/testing';
import type { Registry } from 'prom-client';
import { silentLogger } from '../src/logging/provider-logger.ts';
import type { ProviderEvent } from '../src/observability/provider-events.ts';
import { serveProvider } from '../src/serve-provider.ts';
import { TestBrowser } from './support/browser.ts';
import { metricValue } from './support/metric-value.ts';
import { type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import { ownSignIn, ssoLogin } from './support/sso-login.ts';

describe('provider metrics', () => {
  let fixture: ProviderFixture;
  let registry: Registry;
  before(async () => {
    fixture = await startProviderFixture({
      metricsPort: 0,
      rateLimit: { perAccount: 3, perAddress: 100, windowSeconds: 600 },
    });
    registry = fixture.running.provider.metrics?.registry as Registry;
  });
  after(() => fixture.close());

  it('counts an SSO login: its sign-in, both signed calls, the token issued and redeemed', async () => {
    const login = await ssoLogin(fixture, 'user1', '123');
    assert.equal(login.status, 200);
    assert.equal(
      await metricValue(registry, 'ssokit_provider_sign_ins_total', { outcome: 'success', via: 'sso' }),
      1,
    );
    assert.equal(await metricValue(registry, 'ssokit_provider_tokens_issued_total'), 1);
    assert.equal(await metricValue(registry, 'ssokit_provider_tokens_redeemed_total'), 1);
    for (const endpoint of ['reqeusttoken', 'authtoken']) {
      assert.equal(
        await metricValue(registry, 'ssokit_provider_signed_calls_total', { endpoint, outcome: 'ok' }),
        1,
      );
    }
    // The fixture's key-value store is in memory (no I/O, not timed); its SQL accounts are.
    assert.ok(
      (await metricValue(registry, 'ssokit_provider_store_operation_duration_seconds', {
        store: 'accounts',
        operation: 'findById',
      })) > 0,
    );
    assert.equal(
      await metricValue(registry, 'ssokit_provider_store_operation_duration_seconds', { store: 'key_value' }),
      0,
    );
    const route = async (r: string) => {
      const text = await registry.getSingleMetricAsString('ssokit_provider_http_request_duration_seconds');
      const counts = text
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('ssokit_provider_http_request_duration_seconds_count') &&
            line.includes(`route="${r}"`),
        );
      return counts.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    };
    assert.equal(await route('sso_login'), 2);
    assert.equal(await route('reqeusttoken'), 1);
    assert.equal(await route('authtoken'), 1);
  });

  it('tells a wrong password, an unknown user and a rate-limited sign-in apart', async () => {
    const browser = new TestBrowser(fixture.url);
    await ownSignIn(browser, 'user2', 'Guess-Qz9');
    await ownSignIn(browser, 'nobody', 'Guess-Qz9');
    await ownSignIn(browser, 'user2', 'Guess-Qz9');
    await ownSignIn(browser, 'user2', 'Guess-Qz9');
    assert.equal((await ownSignIn(browser, 'user2', '456')).status, 429);
    const signIns = (outcome: string) =>
      metricValue(registry, 'ssokit_provider_sign_ins_total', { outcome, via: 'provider' });
    assert.equal(await signIns('wrong_password'), 3);
    assert.equal(await signIns('unknown_user'), 1);
    assert.equal(await signIns('rate_limited'), 1);
    assert.equal(await metricValue(registry, 'ssokit_provider_rate_limit_refusals_total'), 1);
    const refused = await fetch(`${fixture.url}/sso/authtoken/?api_key=nope`);
    assert.equal(refused.status, 403);
    assert.ok(
      (await metricValue(registry, 'ssokit_provider_signed_calls_total', { endpoint: 'authtoken' })) >= 2,
    );
  });

  it('serves Prometheus text on its own port, with process metrics, and no name or token in any label', async () => {
    const url = fixture.running.metricsUrl;
    assert.ok(url);
    assert.notEqual(new URL(url).port, String(fixture.running.port));
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    assert.match(text, /^ssokit_provider_sign_ins_total\{outcome="success",via="sso"\} 1$/m);
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^ssokit_provider_ready 1$/m);
    for (const secret of ['user1', 'user2', 'nobody', '5f159b82', '127.0.0.1', 'Guess-Qz9']) {
      assert.ok(!text.includes(secret), `metrics mention ${secret}`);
    }
    assert.doesNotMatch(text, /[0-9a-f]{32}/);
    assert.equal((await fetch(`${fixture.url}/metrics`)).status, 404);
  });

  it('keeps each provider in a registry of its own', async () => {
    const other = await startProviderFixture({ metrics: true });
    try {
      await ssoLogin(other, 'user1', '123');
      const otherRegistry = other.running.provider.metrics?.registry as Registry;
      assert.notEqual(otherRegistry, registry);
      assert.equal(
        await metricValue(otherRegistry, 'ssokit_provider_sign_ins_total', { outcome: 'success' }),
        1,
      );
      assert.equal(await metricValue(registry, 'ssokit_provider_sign_ins_total', { outcome: 'success' }), 1);
    } finally {
      await other.close();
    }
  });
});

describe('metrics of a sign-in while the store is down', {
  skip: await skipUnlessServiceRuns('redis'),
}, () => {
  it('counts it as unavailable, and the store operation as an error', async () => {
    // Redis behind a proxy: up while the browser gets the form (its CSRF secret lives in the
    // store), then cut before the sign-in is posted.
    const target = new URL(testServiceUrls.redis);
    const proxy = tcpProxy({ host: target.hostname, port: Number(target.port) || 6379 });
    await proxy.start();
    const keyValueStore = keyValueStoreFromUrl(`redis://127.0.0.1:${proxy.port}`, {
      keyPrefix: `test:${randomBytes(6).toString('hex')}:`,
      connectTimeoutMs: 200,
    });
    const running = await serveProvider({
      port: 0,
      database: 'sqlite::memory:',
      keyValueStore,
      metrics: true,
      logger: silentLogger,
    });
    try {
      const browser = new TestBrowser(running.url);
      const form = await browser.get('/login/');
      await proxy.stop();
      const answer = await browser.post('/login/', {
        csrf_token: TestBrowser.csrfField(form.body),
        username: 'user1',
        password: '123',
      });
      assert.equal(answer.status, 503);
      const registry = running.provider.metrics?.registry as Registry;
      assert.equal(
        await metricValue(registry, 'ssokit_provider_sign_ins_total', { outcome: 'unavailable' }),
        1,
      );
      assert.ok(
        (await metricValue(registry, 'ssokit_provider_store_operation_errors_total', {
          store: 'key_value',
        })) >= 1,
      );
      assert.equal(await metricValue(registry, 'ssokit_provider_ready'), 1);
    } finally {
      await running.close();
      await keyValueStore.close();
      await proxy.stop();
    }
  });
});

describe('the observers option', () => {
  it('tells an observer of each event, and one that throws breaks no sign-in', async () => {
    const seen: ProviderEvent[] = [];
    const fixture = await startProviderFixture({
      observers: [
        {
          event() {
            throw new Error('broken observer');
          },
        },
        { event: (event) => seen.push(event) },
      ],
    });
    try {
      // The fixture's seeding: two accounts, two client apps.
      assert.deepEqual(
        seen.splice(0).map((event) => event.type),
        ['account_added', 'account_added', 'client_registered', 'client_registered'],
      );
      assert.equal((await ssoLogin(fixture, 'user1', '123')).status, 200);
      assert.deepEqual(
        seen.filter((event) => event.type !== 'signed_call').map((event) => event.type),
        ['token_issued', 'sign_in', 'token_redeemed'],
      );
      assert.ok(fixture.logs.some((line) => line.event === 'observer_failed'));
    } finally {
      await fixture.close();
    }
  });
});
