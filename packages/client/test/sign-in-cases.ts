/**
 * The sign-in behaviour every provider must give this client, as one shared set of cases
 * (hono's "every router runs the same test file"): the original dj-sso-server double and the
 * ssokit provider both run it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SsoExpressConfig } from '../src/express/index.ts';
import { API_KEY, SECRET_KEY } from './fixtures.ts';
import {
  chooseOnContinuePage,
  type Framework,
  signIn,
  signInAtProvider,
  signInAtProviderSite,
  startTestApp,
  submitProviderForm,
  type TestApp,
} from './test-app.ts';
import { TestBrowser } from './test-browser.ts';

export interface ProviderUnderTest {
  url: string;
  /** Registers the client app (API_KEY / SECRET_KEY) for its host once the app listens. */
  registerClient(host: string): Promise<void>;
  close(): Promise<void>;
}

export interface SignInCasesOptions {
  /** Options of the client app, e.g. where its sessions live. @default users and sessions in memory */
  app?: Partial<SsoExpressConfig>;
  /** Skips the cases, with this reason (a service that is not running). @default false */
  skip?: string | false;
  /** The adapter the client app runs on. @default 'express' */
  framework?: Framework;
}

/** Accounts every provider under test has: user1/123, user2/456, carol/789. */
export function describeSignInAgainst(
  name: string,
  startProvider: () => Promise<ProviderUnderTest>,
  options: SignInCasesOptions = {},
): void {
  const framework = options.framework ?? 'express';
  describe(`sign-in against ${name} through ${framework}`, { skip: options.skip ?? false }, () => {
    let provider: ProviderUnderTest;
    let app: TestApp;

    before(async () => {
      provider = await startProvider();
      app = await startTestApp(
        {
          providerUrl: provider.url,
          apiKey: API_KEY,
          secretKey: SECRET_KEY,
          database: 'sqlite::memory:',
          ...options.app,
        },
        framework,
      );
      await provider.registerClient(app.host);
    });
    after(async () => {
      await app?.close();
      await provider?.close();
    });

    it('signs user1 in through the provider form and shows the user with their extras', async () => {
      const browser = new TestBrowser();
      const done = await signIn(browser, app, { username: 'user1', password: '123' });
      assert.equal(done.status, 302);
      assert.equal(done.rawLocation, '/');
      const sessionCookie = done.setCookies.find((line) => line.startsWith('ssokit_session='));
      assert.match(
        sessionCookie ?? '',
        /^ssokit_session=[A-Za-z0-9_-]{43}; Max-Age=1209600; Path=\/; HttpOnly; SameSite=Lax$/,
      );
      const me = JSON.parse((await browser.request(`${app.url}/me`)).body);
      assert.equal(me.username, 'user1');
      assert.equal(me.email, 'user1@example.com');
      assert.equal(me.first_name, 'User');
      assert.equal(
        (await browser.request(`${app.url}/private`)).body,
        'private page of user1 <user1@example.com>',
      );
    });

    it('continues as the user already signed in at the provider (cwca=yes)', async () => {
      const browser = new TestBrowser();
      await signInAtProviderSite(browser, provider.url, { username: 'user1', password: '123' });
      const start = await browser.request(`${app.url}/accounts/login/`);
      const page = await browser.request(start.location ?? '');
      assert.match(page.body, /Continue with current user\? user1/);
      const proceed = await chooseOnContinuePage(browser, page, 'continue');
      const done = await browser.request(proceed.location ?? '');
      assert.equal(done.rawLocation, '/');
      assert.equal((await browser.request(`${app.url}/`)).body, 'hello user1');
    });

    it('switches account while the provider keeps its own user (cwca=no)', async () => {
      const browser = new TestBrowser();
      await signInAtProviderSite(browser, provider.url, { username: 'user1', password: '123' });
      const start = await browser.request(`${app.url}/accounts/login/`);
      const page = await browser.request(start.location ?? '');
      const form = await chooseOnContinuePage(browser, page, 'switch account');
      const callback = await submitProviderForm(browser, form, 'user2', '456');
      await browser.request(callback.location ?? '');
      assert.equal((await browser.request(`${app.url}/`)).body, 'hello user2');
    });

    it('sends a page without a session to sign in and back, and an API call a 401', async () => {
      const browser = new TestBrowser();
      const page = await browser.request(`${app.url}/private?tab=2`);
      assert.equal(page.status, 302);
      assert.equal(page.rawLocation, '/accounts/login/?next=%2Fprivate%3Ftab%3D2');
      const api = await browser.request(`${app.url}/api/data`, { accept: 'application/json' });
      assert.equal(api.status, 401);
      assert.deepEqual(JSON.parse(api.body), { error: 'LOGIN_REQUIRED', message: 'sign-in required' });
      const done = await signIn(browser, app, { username: 'user2', password: '456' }, '/private?tab=2');
      assert.equal(done.rawLocation, '/private?tab=2');
      assert.equal(
        (await browser.request(`${app.url}/api/data`, { accept: 'application/json' })).body,
        '{"for":"user2"}',
      );
    });

    it('starts a fresh session at sign-in: the previous session cookie stops working', async () => {
      const browser = new TestBrowser();
      await signIn(browser, app, { username: 'user1', password: '123' });
      const first = browser.cookie('localhost', 'ssokit_session');
      await signIn(browser, app, { username: 'user2', password: '456' });
      assert.notEqual(browser.cookie('localhost', 'ssokit_session'), first);
      const stale = new TestBrowser();
      stale.setCookie('localhost', 'ssokit_session', first ?? '');
      const home = await stale.request(`${app.url}/`);
      assert.equal(home.body, 'anonymous');
      assert.ok(
        home.setCookies.some((line) => /^ssokit_session=; Max-Age=0;/.test(line)),
        'the app page also drops the dead cookie',
      );
    });

    it('lets several tabs of one browser sign in at the same time', async () => {
      const browser = new TestBrowser();
      const tabA = await signInAtProvider(browser, app, { username: 'user1', password: '123' }, '/a');
      const tabB = await signInAtProvider(browser, app, { username: 'user1', password: '123' }, '/b');
      assert.equal((await browser.request(tabB.callback.location ?? '')).rawLocation, '/b');
      assert.equal((await browser.request(tabA.callback.location ?? '')).rawLocation, '/a');
    });

    it('logout ends the session on the server: a copied cookie is useless afterwards', async () => {
      const browser = new TestBrowser();
      await signIn(browser, app, { username: 'user1', password: '123' });
      const thief = new TestBrowser();
      thief.setCookie('localhost', 'ssokit_session', browser.cookie('localhost', 'ssokit_session') ?? '');
      assert.equal((await thief.request(`${app.url}/`)).body, 'hello user1');
      const out = await browser.request(`${app.url}/accounts/logout/`, { method: 'POST' });
      assert.equal(out.status, 302);
      assert.equal(out.rawLocation, '/');
      assert.ok(out.setCookies.some((line) => /^ssokit_session=; Max-Age=0;/.test(line)));
      assert.equal((await browser.request(`${app.url}/`)).body, 'anonymous');
      assert.equal((await thief.request(`${app.url}/`)).body, 'anonymous');
    });

    it('keeps the stored user at logout, and removeUser() ends every session and the user', async () => {
      const browserA = new TestBrowser();
      const browserB = new TestBrowser();
      await signIn(browserA, app, { username: 'carol', password: '789' });
      await signIn(browserB, app, { username: 'carol', password: '789' });
      const { id } = JSON.parse((await browserA.request(`${app.url}/me`)).body);
      await browserA.request(`${app.url}/accounts/logout`, { method: 'POST' });
      assert.equal((await browserB.request(`${app.url}/`)).body, 'hello carol');
      assert.equal((await app.client.users.get(id))?.username, 'carol');
      const browserC = new TestBrowser();
      await signIn(browserC, app, { username: 'carol', password: '789' });
      await app.client.removeUser(id);
      assert.equal((await browserB.request(`${app.url}/`)).body, 'anonymous');
      assert.equal((await browserC.request(`${app.url}/`)).body, 'anonymous');
      assert.equal(await app.client.users.get(id), undefined);
    });

    it('signs nobody out on a GET of the logout path (an <img> elsewhere): it asks, and its button posts', async () => {
      const browser = new TestBrowser();
      await signIn(browser, app, { username: 'user1', password: '123' });
      const asked = await browser.request(`${app.url}/accounts/logout/?next=/bye`);
      assert.equal(asked.status, 200);
      assert.equal(asked.setCookies.length, 0);
      assert.match(asked.body, /<form method="post" action="\/accounts\/logout\/\?next=%2Fbye">/);
      assert.equal((await browser.request(`${app.url}/`)).body, 'hello user1', 'still signed in');
      const confirmed = await browser.request(`${app.url}/accounts/logout/?next=%2Fbye`, {
        method: 'POST',
        headers: { origin: app.url, 'sec-fetch-site': 'same-origin' },
      });
      assert.equal(confirmed.status, 302);
      assert.equal(confirmed.rawLocation, '/bye');
      assert.equal((await browser.request(`${app.url}/`)).body, 'anonymous');
      const nobody = await browser.request(`${app.url}/accounts/logout/?next=/bye`);
      assert.equal(nobody.rawLocation, '/bye', 'nothing to confirm without a session');
    });

    it('refuses with 403 a logout POST from another site and keeps the session', async () => {
      const browser = new TestBrowser();
      await signIn(browser, app, { username: 'user1', password: '123' });
      const foreign: Record<string, string>[] = [
        { origin: 'https://evil.example' },
        { origin: 'null' },
        { origin: app.url.replace('localhost', 'sub.localhost') },
        { 'sec-fetch-site': 'cross-site' },
      ];
      for (const headers of foreign) {
        const refused = await browser.request(`${app.url}/accounts/logout/`, { method: 'POST', headers });
        assert.equal(refused.status, 403, JSON.stringify(headers));
        assert.equal(refused.setCookies.length, 0);
        assert.equal((await browser.request(`${app.url}/`)).body, 'hello user1', JSON.stringify(headers));
      }
    });

    it("keeps the client's own pages out of frames (logout confirmation, sign-in errors)", async () => {
      const browser = new TestBrowser();
      await signIn(browser, app, { username: 'user1', password: '123' });
      const confirmation = await browser.request(`${app.url}/accounts/logout/`);
      const error = await new TestBrowser().request(`${app.url}/myssoclient/auth/`);
      assert.equal(error.status, 400);
      for (const page of [confirmation, error]) {
        assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
        assert.equal(page.headers.get('x-frame-options'), 'DENY');
      }
    });

    it('refuses with 403, without asking the provider, a callback opened in another browser (login CSRF)', async () => {
      const attacker = new TestBrowser();
      const { callback } = await signInAtProvider(attacker, app, { username: 'user2', password: '456' });
      const victim = new TestBrowser();
      const answer = await victim.request(callback.location ?? '');
      assert.equal(answer.status, 403);
      assert.match(answer.body, /not started in this browser/);
      assert.equal(answer.setCookies.length, 0);
      assert.equal((await victim.request(`${app.url}/`)).body, 'anonymous');
      // The attacker's sign-in was not spent by the refusal: the provider never saw it.
      assert.equal((await attacker.request(callback.location ?? '')).status, 302);
    });

    it('refuses a replayed callback, in the same browser and in a fresh one', async () => {
      const browser = new TestBrowser();
      const { callback } = await signInAtProvider(browser, app, { username: 'user1', password: '123' });
      assert.equal((await browser.request(callback.location ?? '')).status, 302);
      assert.equal((await browser.request(callback.location ?? '')).status, 403);
      assert.equal((await new TestBrowser().request(callback.location ?? '')).status, 403);
    });

    it('answers 403 with a way back when the provider refuses the tokens', async () => {
      const browser = new TestBrowser();
      const { callback } = await signInAtProvider(browser, app, { username: 'user1', password: '123' });
      const forged = new URL(callback.location ?? '');
      forged.searchParams.set('auth_token', '0'.repeat(64));
      const answer = await browser.request(forged.href);
      assert.equal(answer.status, 403);
      assert.match(answer.body, /refused this sign-in/);
      assert.match(answer.body, /<a href="\/accounts\/login\/">Sign in again<\/a>/);
    });
  });
}
