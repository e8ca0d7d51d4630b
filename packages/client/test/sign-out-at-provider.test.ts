/**
 * `signOutAtProvider` over HTTP: the ssokit provider (SQLite) and Express client apps. With the
 * option on, the client's sign-out ends its session, goes through the provider's confirmation
 * and sign-out (whose single logout notifies the other app) and comes back; off, nothing changes.
 * The provider returns only to the host of the client app named by the key. In Chromium too
 * (skipped without it): CSP form-action must let the confirmation redirect on to the client.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ensureAccount, type RunningProvider, serveProvider } from '@ssokit/provider';
import { uniqueTestName } from '@ssokit/stores/testing';
import express from 'express';
import { pino } from 'pino';
import { chromiumSkipReason, launchChromium } from '../../../e2e/chromium.ts';
import type { SsoClientConfig } from '../src/config/client-config.ts';
import { ssoClient } from '../src/express/index.ts';
import {
  chooseOnContinuePage,
  hiddenInputs,
  memoryLogger,
  signInAtProviderSite,
  type TestApp,
} from './test-app.ts';
import { type BrowserResponse, TestBrowser } from './test-browser.ts';

const folder = mkdtempSync(join(tmpdir(), 'ssokit-rp-logout-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const silent = () => pino({ level: 'info' }, new Writable({ write: (_chunk, _encoding, done) => done() }));
const ANN = { username: 'ann', password: 'pass-123' };

/** An Express app with `/me`; the adapter serves the logout notice route. */
async function startApp(config: SsoClientConfig): Promise<TestApp> {
  const router = ssoClient({ userStorage: 'cache', logger: memoryLogger(), ...config });
  const { client } = router;
  const app = express();
  app.use(router);
  app.get('/me', (req, res) => {
    res.json(req.user?.username ?? null);
  });
  const server = createServer(app).listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    host: `localhost:${port}`,
    client,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await client.close();
    },
  };
}

async function whoAmI(browser: TestBrowser, app: TestApp): Promise<string | null> {
  return JSON.parse((await browser.request(`${app.url}/me`, { accept: 'application/json' })).body);
}

/** Whom the provider's home shows signed in. */
async function providerUser(browser: TestBrowser, providerUrl: string): Promise<string | null> {
  const page = await browser.request(`${providerUrl}/`);
  return /Signed in as <strong>([^<]+)<\/strong>/.exec(page.body)?.[1] ?? null;
}

async function continueAtClient(browser: TestBrowser, app: TestApp): Promise<void> {
  const start = await browser.request(`${app.url}/accounts/login/`);
  const page = await browser.request(start.location as string);
  const callback: BrowserResponse = await chooseOnContinuePage(browser, page, 'continue');
  assert.equal(callback.status, 302, callback.body);
  await browser.request(callback.location as string);
}

/** The client's sign-out as a user does it: GET shows the confirmation, its button posts. */
async function signOutAtClient(browser: TestBrowser, app: TestApp, next: string): Promise<BrowserResponse> {
  const page = await browser.request(`${app.url}/accounts/logout/?next=${encodeURIComponent(next)}`);
  const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(action !== undefined, page.body);
  return browser.request(new URL(action, app.url).href, { form: {} });
}

describe('signOutAtProvider', () => {
  let running: RunningProvider;
  const apps: TestApp[] = [];
  const apiKeys = new Map<TestApp, string>();

  before(async () => {
    running = await serveProvider({
      port: 0,
      database: `sqlite:${join(folder, 'provider.sqlite')}`,
      passwordHashing: { memoryCost: 1024, timeCost: 1 },
      logger: silent(),
    });
    // The test runs the notice sender's rounds itself.
    await running.provider.logoutNotices.stop();
    await ensureAccount(running.provider.accounts, ANN);
  });
  after(async () => {
    for (const app of apps) await app.close();
    await running?.close();
  });

  /** A registered client app; `notices`: registered with its logout notice URL. */
  const registeredApp = async (config: SsoClientConfig, notices = false): Promise<TestApp> => {
    const apiKey = uniqueTestName('k').replaceAll('_', '').slice(0, 24);
    const secretKey = `${apiKey}-secret-0123456789`;
    const app = await startApp({ providerUrl: running.url, apiKey, secretKey, ...config });
    apps.push(app);
    apiKeys.set(app, apiKey);
    await running.provider.clientStore?.add({
      host: app.host,
      apiKey,
      secret: secretKey,
      ...(notices ? { logoutUrl: `${app.url}/myssoclient/logout/` } : {}),
    });
    return app;
  };

  it('on: the client signs out, the provider confirms and signs out (notifying the other app), back at the client', async () => {
    const app = await registeredApp({ signOutAtProvider: true, cookieName: 'a_session' });
    const other = await registeredApp({ cookieName: 'b_session' }, true);
    const browser = new TestBrowser();
    await signInAtProviderSite(browser, running.url, ANN);
    await continueAtClient(browser, app);
    await continueAtClient(browser, other);
    assert.equal(await whoAmI(browser, app), 'ann');
    assert.equal(await whoAmI(browser, other), 'ann');

    const local = await signOutAtClient(browser, app, '/bye?x=1');
    assert.equal(local.status, 302);
    const back = `${app.url}/bye?x=1`;
    const atProvider = new URL(local.location as string);
    assert.equal(atProvider.origin + atProvider.pathname, `${running.url}/logout/`);
    assert.equal(atProvider.searchParams.get('api_key'), apiKeys.get(app));
    assert.equal(atProvider.searchParams.get('next'), back);
    assert.equal(await whoAmI(browser, app), null, 'the local session ended first');

    // The provider's GET only asks; its form posts (CSRF token) and then returns.
    const confirmation = await browser.request(atProvider.href);
    assert.equal(confirmation.status, 200);
    assert.match(confirmation.body, new RegExp(`go back to ${app.host}`));
    assert.match(
      confirmation.headers.get('content-security-policy') ?? '',
      new RegExp(`form-action 'self' ${app.url}`),
    );
    assert.equal(await providerUser(browser, running.url), 'ann', 'a GET signs nobody out');
    const fields = hiddenInputs(confirmation.body);
    assert.equal(fields.next, back);
    const done = await browser.request(`${running.url}/logout/`, { form: fields });
    assert.equal(done.status, 302);
    assert.equal(done.location, back);

    assert.equal(await providerUser(browser, running.url), null);
    assert.deepEqual(await running.provider.logoutNotices.runOnce(), { sent: 1, failed: 0, gaveUp: 0 });
    assert.equal(await whoAmI(browser, other), null, 'single logout reached the other app');
  });

  it('off (the default): the client signs out locally, the provider session lives on', async () => {
    const app = await registeredApp({ cookieName: 'c_session' });
    assert.equal(app.client.settings.providerLogoutUrl, undefined);
    const browser = new TestBrowser();
    await signInAtProviderSite(browser, running.url, ANN);
    await continueAtClient(browser, app);
    const local = await signOutAtClient(browser, app, '/bye');
    assert.equal(local.status, 302);
    assert.equal(local.rawLocation, '/bye');
    assert.equal(await whoAmI(browser, app), null);
    assert.equal(await providerUser(browser, running.url), 'ann');
  });

  it("in Chromium: the confirmation's form may redirect on to the client (CSP form-action), both sessions end", {
    skip: chromiumSkipReason(),
  }, async () => {
    const app = await registeredApp({ signOutAtProvider: true, cookieName: 'f_session' });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${running.url}/login/`);
      await page.fill('input[name="username"]', ANN.username);
      await page.fill('input[name="password"]', ANN.password);
      await page.click('button[type="submit"]');
      await page.goto(`${app.url}/accounts/login/?next=/me`);
      await page.click('button:text("continue")');
      assert.equal(await page.textContent('body'), '"ann"');
      await page.goto(`${app.url}/accounts/logout/?next=/me`);
      await page.click('button:text("Sign out")');
      await page.waitForURL(`${running.url}/logout/**`);
      await page.click('button:text("Log out")');
      await page.waitForURL(`${app.url}/me`);
      assert.equal(await page.textContent('body'), 'null');
      await page.goto(`${running.url}/`);
      assert.match((await page.textContent('body')) ?? '', /You are not logged in/);
    } finally {
      await browser.close();
    }
  });

  it('the provider returns only to the host of the client named by the key, else to its home', async () => {
    const app = await registeredApp({ cookieName: 'd_session' });
    const other = await registeredApp({ cookieName: 'e_session' });
    const key = apiKeys.get(app) as string;
    const logoutAt = (next: string, withKey = key) =>
      `${running.url}/logout/?api_key=${encodeURIComponent(withKey)}&next=${encodeURIComponent(next)}`;

    // Nobody signed in at the provider: nothing to confirm, straight back (to a checked host only).
    const stranger = new TestBrowser();
    const straight = await stranger.request(logoutAt(`${app.url}/bye`));
    assert.equal(straight.status, 302);
    assert.equal(straight.location, `${app.url}/bye`);
    for (const bad of [
      'https://evil.example/',
      `${other.url}/`,
      `http://evil.example@${app.host}/`,
      '/local',
    ]) {
      const refused = await stranger.request(logoutAt(bad));
      assert.equal(refused.status, 200, bad);
      assert.match(refused.body, /You are not logged in/, bad);
    }
    assert.equal((await stranger.request(logoutAt(`${app.url}/`, 'unknown-key'))).status, 200);

    // Signed in: a foreign `next` on the page or in the posted form ends at the provider's home.
    const browser = new TestBrowser();
    await signInAtProviderSite(browser, running.url, ANN);
    const page = await browser.request(logoutAt(`${other.url}/`));
    assert.equal(page.status, 200);
    const fields = hiddenInputs(page.body);
    assert.equal(fields.next, undefined, 'a foreign next is not carried');
    const done = await browser.request(`${running.url}/logout/`, {
      form: { ...fields, api_key: key, next: 'https://evil.example/' },
    });
    assert.equal(done.status, 302);
    assert.equal(done.rawLocation, '/');
    assert.equal(await providerUser(browser, running.url), null);
  });
});
