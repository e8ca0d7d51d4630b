import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureAccount } from '../src/seeding.ts';
import { TestBrowser } from './support/browser.ts';
import { CALLBACK, CLIENT, type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import { authTokenPath, loginPath, requestTokenPath } from './support/python2-sso-client.ts';

async function signInOwn(browser: TestBrowser, username: string, password: string) {
  const form = await browser.get('/login/');
  return browser.post('/login/', { csrf_token: TestBrowser.csrfField(form.body), username, password });
}

describe('rate limits on failed sign-ins', () => {
  let fixture: ProviderFixture;
  before(async () => {
    fixture = await startProviderFixture({
      rateLimit: { perAccountAndAddress: 3, perAddress: 5, windowSeconds: 600 },
    });
  });
  after(() => fixture.close());

  it('refuses an account to an address after 3 failures there with 429 and Retry-After, even with the right password', async () => {
    const browser = new TestBrowser(fixture.url);
    for (let attempt = 0; attempt < 3; attempt++) {
      assert.equal((await signInOwn(browser, 'user1', 'wrong')).status, 200);
    }
    const blocked = await signInOwn(browser, 'user1', '123');
    assert.equal(blocked.status, 429);
    assert.equal(blocked.headers.get('retry-after'), '600');
    assert.match(blocked.body, /Too many failed sign-ins/);
    assert.equal(browser.cookies.has('ssokit_provider_session'), false);
  });

  it('counts the SSO page and the provider page together and refuses there too', async () => {
    const token = (await (await fetch(`${fixture.url}${requestTokenPath(fixture.client)}`)).json()) as {
      request_token: string;
    };
    const browser = new TestBrowser(fixture.url);
    const url = loginPath(fixture.client, token.request_token, CALLBACK);
    const form = await browser.get(url);
    const blocked = await browser.post(url, {
      csrf_token: TestBrowser.csrfField(form.body),
      username: 'user1',
      password: '123',
    });
    assert.equal(blocked.status, 429);
  });

  it('refuses an address after 5 failures across accounts', async () => {
    const browser = new TestBrowser(fixture.url);
    // 3 failures for user1 already count; two more on other names reach 5.
    assert.equal((await signInOwn(browser, 'user2', 'wrong')).status, 200);
    assert.equal((await signInOwn(browser, 'nobody', 'wrong')).status, 200);
    assert.equal((await signInOwn(browser, 'user2', '456')).status, 429);
  });
});

describe('pages, cookies, headers and logs', () => {
  let fixture: ProviderFixture;
  const password = 'Sup3r-Secret-Passw0rd';
  before(async () => {
    fixture = await startProviderFixture({ trustProxy: true });
    await ensureAccount(fixture.running.provider.accounts, {
      username: 'logcheck',
      password,
      firstName: '<b>Bold</b>',
    });
  });
  after(() => fixture.close());

  it('serves every page with anti-framing, no-sniff, no-referrer, no-store and a CSP without scripts', async () => {
    const browser = new TestBrowser(fixture.url);
    for (const path of ['/', '/login/', '/logout/']) {
      const page = await browser.get(path);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(page.headers.get('cache-control'), 'no-store');
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|script-src/);
      assert.match(page.body, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
      assert.doesNotMatch(page.body, /<script/);
    }
  });

  it('lets the SSO form redirect on to the client origin only', async () => {
    const token = (await (await fetch(`${fixture.url}${requestTokenPath(fixture.client)}`)).json()) as {
      request_token: string;
    };
    const page = await new TestBrowser(fixture.url).get(
      loginPath(fixture.client, token.request_token, CALLBACK),
    );
    assert.match(
      page.headers.get('content-security-policy') ?? '',
      /form-action 'self' http:\/\/localhost:8000(;|$)/,
    );
    assert.match(page.body, /Signing in to localhost:8000\./);
  });

  it('sets prefixed, HttpOnly, SameSite=Lax cookies, Secure only over https', async () => {
    const plain = await signInOwn(new TestBrowser(fixture.url), 'user1', '123');
    const session = plain.setCookies.find((line) => line.startsWith('ssokit_provider_session='));
    assert.ok(session);
    assert.match(session, /HttpOnly/);
    assert.match(session, /SameSite=Lax/);
    assert.match(session, /Path=\//);
    assert.doesNotMatch(session, /Secure/);

    const https = new TestBrowser(fixture.url);
    const form = await https.get('/login/', { 'x-forwarded-proto': 'https' });
    assert.match(
      form.setCookies.join('\n'),
      /ssokit_provider_csrf=[0-9a-f]{64}; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax/,
    );
  });

  it('escapes every value it shows', async () => {
    const browser = new TestBrowser(fixture.url);
    await signInOwn(browser, 'logcheck', password);
    const home = await browser.get('/');
    assert.match(home.body, /&lt;b&gt;Bold&lt;\/b&gt;/);
    assert.doesNotMatch(home.body, /<b>Bold/);
    const form = await browser.get(`/login/?next=${encodeURIComponent('/"><script>x</script>')}`);
    assert.match(form.body, /value="\/&quot;&gt;&lt;script&gt;x&lt;\/script&gt;"/);
  });

  it('refuses a cookie and form field pair the attacker chose, and accepts its own form', async () => {
    // A matching pair the attacker made up (and planted as a cookie): not signed by this provider.
    const chosen = 'c'.repeat(64);
    for (const path of ['/login/', '/logout/']) {
      const browser = new TestBrowser(fixture.url);
      browser.cookies.set('ssokit_provider_csrf', chosen);
      const answer = await browser.post(path, { csrf_token: chosen, username: 'user1', password: '123' });
      assert.equal(answer.status, 403, path);
      assert.match(answer.body, /This form has expired/);
      assert.equal(browser.cookies.has('ssokit_provider_session'), false);
    }
    const browser = new TestBrowser(fixture.url);
    browser.cookies.set('ssokit_provider_csrf', chosen);
    const form = await browser.get('/login/');
    const field = TestBrowser.csrfField(form.body);
    assert.notEqual(field, chosen, 'the form field is not the cookie value');
    const posted = await browser.post('/login/', { csrf_token: field, username: 'user1', password: '123' });
    assert.equal(posted.status, 302);
  });

  it('signs in at /login/, returns to a same-site next only, and logs out with a POST', async () => {
    const browser = new TestBrowser(fixture.url);
    const form = await browser.get('/login/?next=/logout/');
    const posted = await browser.post('/login/', {
      csrf_token: TestBrowser.csrfField(form.body),
      username: 'user1',
      password: '123',
      next: '/logout/',
    });
    assert.equal(posted.location, '/logout/');
    const evil = new TestBrowser(fixture.url);
    const evilForm = await evil.get('/login/');
    const offsite = await evil.post('/login/', {
      csrf_token: TestBrowser.csrfField(evilForm.body),
      username: 'user1',
      password: '123',
      next: '//evil.example/',
    });
    assert.equal(offsite.location, '/');

    const logoutPage = await browser.get('/logout/');
    assert.match(logoutPage.body, /Log out <strong>user1<\/strong>\?/);
    assert.equal((await browser.post('/logout/', {})).status, 403);
    const out = await browser.post('/logout/', { csrf_token: TestBrowser.csrfField(logoutPage.body) });
    assert.equal(out.status, 302);
    assert.equal(browser.cookies.has('ssokit_provider_session'), false);
    assert.match((await browser.get('/')).body, /not logged in/);
  });

  it('logs one line per sign-in, none for answered signed calls, and never a password, secret or token', async () => {
    const tokenAnswer = await fetch(`${fixture.url}${requestTokenPath(fixture.client)}`);
    const requestToken = ((await tokenAnswer.json()) as { request_token: string }).request_token;
    const browser = new TestBrowser(fixture.url);
    const url = loginPath(fixture.client, requestToken, CALLBACK);
    const form = await browser.get(url);
    await browser.post(url, {
      csrf_token: TestBrowser.csrfField(form.body),
      username: 'logcheck',
      password: 'wrong-Secret-guess',
    });
    const posted = await browser.post(url, {
      csrf_token: TestBrowser.csrfField(form.body),
      username: 'logcheck',
      password,
    });
    const authToken = new URL(posted.location ?? '').searchParams.get('auth_token') ?? '';
    assert.equal(
      (await fetch(`${fixture.url}${authTokenPath(fixture.client, requestToken, authToken)}`)).status,
      200,
    );

    const logins = fixture.logs.filter(
      (line) => line.event === 'login' && line.username === 'logcheck' && line.via === 'sso',
    );
    assert.deepEqual(
      logins.map((line) => [line.outcome, line.apiKey, typeof line.address]),
      [
        ['bad_credentials', CLIENT.apiKey, 'string'],
        ['success', CLIENT.apiKey, 'string'],
      ],
    );
    // Answered signed calls are routine (two per login): debug, below the fixture's info level.
    assert.deepEqual(
      fixture.logs.filter((line) => line.event === 'sso_api' && line.outcome === 'ok'),
      [],
    );

    const text = fixture.logText();
    for (const secret of [
      password,
      'wrong-Secret-guess',
      CLIENT.secret,
      requestToken,
      authToken,
      browser.cookies.get('ssokit_provider_csrf') ?? '?',
    ]) {
      assert.ok(!text.includes(secret), `log contains a secret: ${secret.slice(0, 4)}…`);
    }
  });
});

describe('logs at debug level', () => {
  let fixture: ProviderFixture;
  before(async () => {
    fixture = await startProviderFixture({ logLevel: 'debug' });
  });
  after(() => fixture.close());

  it('logs each answered signed call with its endpoint and API key, without the token', async () => {
    const answer = await fetch(`${fixture.url}${requestTokenPath(fixture.client)}`);
    const { request_token } = (await answer.json()) as { request_token: string };
    const calls = fixture.logs.filter((line) => line.event === 'sso_api' && line.outcome === 'ok');
    assert.deepEqual(
      calls.map((line) => [line.level, line.endpoint, line.apiKey]),
      [[20, 'reqeusttoken', CLIENT.apiKey]],
    );
    assert.ok(!fixture.logText().includes(request_token));
  });
});
