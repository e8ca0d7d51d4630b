import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TrustProxySetting } from '../src/http/request-context.ts';
import { TestBrowser } from './support/browser.ts';
import { CALLBACK, type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import { loginPath, requestTokenPath } from './support/python2-sso-client.ts';

/** A sign-in at the provider's own `/login/` (Express), as forwarded by a proxy. */
async function signInBehindProxy(fixture: ProviderFixture, forwardedFor: string, password: string) {
  const browser = new TestBrowser(fixture.url);
  const headers = { 'x-forwarded-for': forwardedFor };
  const form = await browser.get('/login/', headers);
  const answer = await browser.request('POST', '/login/', {
    headers,
    form: { csrf_token: TestBrowser.csrfField(form.body), username: 'user1', password },
  });
  return answer.status;
}

/** Runs `task(i)` for i < count, at most `width` at a time. */
async function bounded<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, i) => task(start + i));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

const addressesLogged = (fixture: ProviderFixture, event: string) =>
  fixture.logs.filter((line) => line.event === event).map((line) => line.address);

describe('client addresses behind a trusted proxy', () => {
  const fixtures: ProviderFixture[] = [];
  const start = async (trustProxy: TrustProxySetting) => {
    const fixture = await startProviderFixture({ trustProxy });
    fixtures.push(fixture);
    return fixture;
  };
  after(async () => {
    for (const fixture of fixtures) await fixture.close();
  });

  let oneHop: ProviderFixture;
  before(async () => {
    oneHop = await start(true);
  });

  it('trustProxy: true trusts one hop: 30 guesses with a forged, rotated X-Forwarded-For get 5 checks', async () => {
    // The proxy appends the address it saw; what is left of it is the client's own text.
    const statuses = await bounded(30, 10, (i) =>
      signInBehindProxy(oneHop, `10.9.${i}.1, 203.0.113.5`, 'wrong'),
    );
    assert.deepEqual(
      {
        checked: statuses.filter((s) => s === 200).length,
        refused: statuses.filter((s) => s === 429).length,
      },
      { checked: 5, refused: 25 },
    );
    assert.ok(addressesLogged(oneHop, 'login').every((address) => address === '203.0.113.5'));
  });

  it('warns that trustProxy: true is one hop', () => {
    assert.ok(oneHop.logs.some((line) => line.option === 'trustProxy' && line.level === 40));
  });

  it('gives the fast path (signed calls) and Express (sign-ins) the same client address', async () => {
    const forwardedFor = 'forged, 198.51.100.77';
    const unknownKey = { apiKey: 'no-such-key', secret: 'x'.repeat(32), providerUrl: '', now: Date.now };
    const refused = await new TestBrowser(oneHop.url).get(requestTokenPath(unknownKey), {
      'x-forwarded-for': forwardedFor,
    });
    assert.ok(refused.status >= 400);
    assert.equal(await signInBehindProxy(oneHop, forwardedFor, 'wrong'), 200);
    assert.deepEqual(addressesLogged(oneHop, 'sso_api').at(-1), '198.51.100.77');
    assert.deepEqual(addressesLogged(oneHop, 'login').at(-1), '198.51.100.77');
  });

  it('gives the fast path (the SSO page) and Express (/login/) the same scheme from X-Forwarded-Proto', async () => {
    const issued = await new TestBrowser(oneHop.url).get(requestTokenPath(oneHop.client));
    const { request_token: token } = JSON.parse(issued.body) as { request_token: string };
    const csrfCookie = (page: { setCookies: string[] }) =>
      page.setCookies.find((line) => line.startsWith('ssokit_provider_csrf=')) ?? '';
    const https = { 'x-forwarded-proto': 'https' };
    const ssoPage = await new TestBrowser(oneHop.url).get(loginPath(oneHop.client, token, CALLBACK), https);
    const ownPage = await new TestBrowser(oneHop.url).get('/login/', https);
    assert.match(csrfCookie(ssoPage), /; Secure;/);
    assert.match(csrfCookie(ownPage), /; Secure;/);
    const plain = await new TestBrowser(oneHop.url).get(loginPath(oneHop.client, token, CALLBACK));
    assert.doesNotMatch(csrfCookie(plain), /Secure/);
  });

  it('with proxy addresses, takes the rightmost entry that is not a trusted proxy', async () => {
    const byAddress = await start(['loopback', '203.0.113.0/24']);
    await signInBehindProxy(byAddress, '10.0.0.1, 192.0.2.44, 203.0.113.9', 'wrong');
    assert.equal(addressesLogged(byAddress, 'login').at(-1), '192.0.2.44');
    const loopbackOnly = await start('127.0.0.1');
    await signInBehindProxy(loopbackOnly, '10.0.0.1, 192.0.2.44, 203.0.113.9', 'wrong');
    assert.equal(addressesLogged(loopbackOnly, 'login').at(-1), '203.0.113.9');
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const direct = await start(false);
    await signInBehindProxy(direct, '192.0.2.44', 'wrong');
    assert.equal(addressesLogged(direct, 'login').at(-1), '127.0.0.1');
  });
});
