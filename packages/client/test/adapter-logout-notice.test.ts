/**
 * Every adapter mounts the provider's logout notices at `logoutNoticePath` (POST): a notice the
 * ssokit provider sends when the user signs out at its site ends the client's session; unsigned,
 * replayed and over-long notices are refused with a 4xx, and other requests are the app's.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { signRequest } from '@ssokit/protocol';
import { ensureAccount, type RunningProvider, serveProvider } from '@ssokit/provider';
import { pino } from 'pino';
import { API_KEY, SECRET_KEY } from './fixtures.ts';
import {
  chooseOnContinuePage,
  FRAMEWORKS,
  signInAtProviderSite,
  startTestApp,
  type TestApp,
} from './test-app.ts';
import { TestBrowser } from './test-browser.ts';

const NOTICE_PATH = '/myssoclient/logout/';
const silent = () => pino({ level: 'warn' }, new Writable({ write: (_chunk, _encoding, done) => done() }));

async function whoAmI(browser: TestBrowser, app: TestApp): Promise<string | null> {
  const answer = await browser.request(`${app.url}/me`, { accept: 'application/json' });
  return (JSON.parse(answer.body) as { username: string } | null)?.username ?? null;
}

/** A notice signed as the provider signs it, as a path with its query. */
function signedNotice(): string {
  return signRequest({
    apiKey: API_KEY,
    secretKey: SECRET_KEY,
    path: NOTICE_PATH,
    params: [
      ['notice', randomBytes(16).toString('hex')],
      ['user_id', 'nobody-here'],
      ['reason', 'provider-logout'],
      ['expires', String(Math.floor(Date.now() / 1000) + 300)],
    ],
  }).pathWithQuery;
}

for (const framework of FRAMEWORKS) {
  describe(`logout notices through ${framework}`, () => {
    let running: RunningProvider;
    let app: TestApp;

    before(async () => {
      running = await serveProvider({
        port: 0,
        database: 'sqlite::memory:',
        passwordHashing: { memoryCost: 1024, timeCost: 1 },
        logger: silent(),
      });
      // The test runs the sender's rounds itself.
      await running.provider.logoutNotices.stop();
      await ensureAccount(running.provider.accounts, { username: 'ann', password: 'pass-123' });
      app = await startTestApp(
        { providerUrl: running.url, apiKey: API_KEY, secretKey: SECRET_KEY, database: 'sqlite::memory:' },
        framework,
      );
      await running.provider.clientStore?.add({
        host: app.host,
        apiKey: API_KEY,
        secret: SECRET_KEY,
        logoutUrl: `${app.url}${NOTICE_PATH}`,
      });
    });
    after(async () => {
      await app?.close();
      await running?.close();
    });

    it('signing out at the provider ends the session at the client', async () => {
      const browser = new TestBrowser();
      await signInAtProviderSite(browser, running.url, { username: 'ann', password: 'pass-123' });
      const start = await browser.request(`${app.url}/accounts/login/`);
      const page = await browser.request(start.location as string);
      const callback = await chooseOnContinuePage(browser, page, 'continue');
      await browser.request(callback.location as string);
      assert.equal(await whoAmI(browser, app), 'ann');

      const form = await browser.request(`${running.url}/logout/`);
      const csrf = /<input type="hidden" name="([^"]+)" value="([^"]*)"/.exec(form.body);
      assert.ok(csrf?.[1] !== undefined && csrf[2] !== undefined, 'logout form');
      const out = await browser.request(`${running.url}/logout/`, { form: { [csrf[1]]: csrf[2] } });
      assert.equal(out.status, 302);
      assert.deepEqual(await running.provider.logoutNotices.runOnce(), { sent: 1, failed: 0, gaveUp: 0 });
      assert.equal(await whoAmI(browser, app), null);
    });

    it('refuses unsigned, replayed, bodied and over-long notices with a 4xx', async () => {
      const unsigned = await fetch(`${app.url}${NOTICE_PATH}?notice=${'a'.repeat(32)}`, { method: 'POST' });
      assert.ok(unsigned.status >= 400 && unsigned.status < 500, String(unsigned.status));

      const notice = signedNotice();
      const first = await fetch(`${app.url}${notice}`, { method: 'POST' });
      assert.equal(first.status, 200, await first.text());
      const replayed = await fetch(`${app.url}${notice}`, { method: 'POST' });
      assert.ok(replayed.status >= 400 && replayed.status < 500, String(replayed.status));

      const withBody = await fetch(`${app.url}${signedNotice()}`, { method: 'POST', body: 'x=1' });
      assert.ok(withBody.status >= 400 && withBody.status < 500, String(withBody.status));

      const tooLong = await fetch(`${app.url}${signedNotice()}`, {
        method: 'POST',
        body: 'x'.repeat(17 * 1024),
      });
      assert.equal(tooLong.status, 413);
    });

    it('leaves a GET of the notice path to the app', async () => {
      const answer = await fetch(`${app.url}${NOTICE_PATH}`);
      assert.equal(answer.status, 404);
    });
  });
}
