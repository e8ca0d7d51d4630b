// The original README's "Get your hands dirty" walkthrough, in real Chromium against the demo.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { EXAMPLE_FRAMEWORKS } from '../examples/client-app/example-app.ts';
import { type RunningDemo, startDemo } from '../examples/demo/start-demo.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';
import { freePort } from './free-port.ts';

const artifacts = new URL('./artifacts/', import.meta.url).pathname;

for (const framework of EXAMPLE_FRAMEWORKS) {
  describe(`demo walkthrough in Chromium (${framework})`, { skip: chromiumSkipReason() }, () => {
    let demo: RunningDemo;
    let browser: Browser;
    let dataDir: string;

    before(async () => {
      mkdirSync(artifacts, { recursive: true });
      dataDir = mkdtempSync(join(tmpdir(), 'ssokit-e2e-'));
      demo = await startDemo({
        providerPort: await freePort(),
        clientPort: await freePort(),
        dataDir,
        framework,
        logger: pino({ level: 'silent' }),
      });
      browser = await launchChromium();
    });

    after(async () => {
      await browser?.close();
      await demo?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** A fresh browser profile: no cookies at the provider or the client. */
    async function freshPage(): Promise<Page> {
      const context = await browser.newContext();
      return context.newPage();
    }

    async function screenshot(page: Page, name: string): Promise<void> {
      await page.screenshot({ path: join(artifacts, `${framework}-${name}.png`), fullPage: true });
    }

    async function signInAtProvider(page: Page, username: string, password: string): Promise<void> {
      await page.fill('input[name="username"]', username);
      await page.fill('input[name="password"]', password);
      await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
    }

    it('fresh login: the client shows user1 and the provider still has nobody signed in', async () => {
      const page = await freshPage();
      await page.goto(`${demo.clientUrl}/`);
      await page.getByRole('link', { name: 'login', exact: true }).click();
      assert.ok(
        page.url().startsWith(`${demo.providerUrl}/sso/login/`),
        `at the provider's SSO page: ${page.url()}`,
      );
      await signInAtProvider(page, 'user1', '123');
      assert.equal(new URL(page.url()).origin, demo.clientUrl);
      assert.equal(await page.textContent('#username'), 'user1');
      const details = await page.textContent('dl');
      for (const expected of ['User', 'One', 'user1@example.com'])
        assert.match(details ?? '', new RegExp(expected));
      await screenshot(page, '1-fresh-login-client');
      await page.goto(`${demo.providerUrl}/`);
      assert.match((await page.textContent('body')) ?? '', /You are not logged in/);
      await page.context().close();
    });

    it('existing account: "Continue with current user? user1" signs the client in as user1', async () => {
      const page = await freshPage();
      await page.goto(`${demo.providerUrl}/login/`);
      await signInAtProvider(page, 'user1', '123');
      assert.match((await page.textContent('body')) ?? '', /Signed in as\s+user1/);
      await page.goto(`${demo.clientUrl}/accounts/login/`);
      assert.match((await page.textContent('h2')) ?? '', /Continue with current user\?\s+user1/);
      await screenshot(page, '2-continue-as-prompt');
      await page.getByRole('button', { name: 'continue', exact: true }).click();
      assert.equal(await page.textContent('#username'), 'user1');
      await screenshot(page, '2-continue-as-client');
      await page.context().close();
    });

    it('switch account: signing in as user2 at the prompt leaves the provider on user1', async () => {
      const page = await freshPage();
      await page.goto(`${demo.providerUrl}/login/`);
      await signInAtProvider(page, 'user1', '123');
      await page.goto(`${demo.clientUrl}/accounts/login/`);
      await page.getByRole('button', { name: 'switch account', exact: true }).click();
      await signInAtProvider(page, 'user2', '456');
      assert.equal(await page.textContent('#username'), 'user2');
      assert.match((await page.textContent('dl')) ?? '', /Two/);
      await screenshot(page, '3-switch-account-client');
      await page.goto(`${demo.providerUrl}/`);
      assert.match((await page.textContent('body')) ?? '', /Signed in as\s+user1/);
      await screenshot(page, '3-switch-account-provider');
      await page.context().close();
    });

    it('logout: the home page offers login again and the old session cookie no longer works', async () => {
      const page = await freshPage();
      await page.goto(`${demo.clientUrl}/accounts/login/`);
      await signInAtProvider(page, 'user1', '123');
      assert.equal(await page.textContent('#username'), 'user1');
      const before = await page.context().cookies(demo.clientUrl);
      await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("logout")')]);
      assert.match((await page.textContent('body')) ?? '', /You are not logged in/);
      await screenshot(page, '4-logout');

      const replay = await browser.newContext();
      await replay.addCookies(before);
      const copied = await replay.newPage();
      await copied.goto(`${demo.clientUrl}/`);
      assert.match((await copied.textContent('body')) ?? '', /You are not logged in/);
      assert.equal(await copied.$('#username'), null);
      await replay.close();
      await page.context().close();
    });

    it('logout link: a GET asks first, and the "Sign out" button signs out', async () => {
      const page = await freshPage();
      await page.goto(`${demo.clientUrl}/accounts/login/`);
      await signInAtProvider(page, 'user1', '123');
      await page.goto(`${demo.clientUrl}/accounts/logout/`);
      assert.equal(await page.textContent('h1'), 'Sign out?');
      await page.goto(`${demo.clientUrl}/`);
      assert.equal(await page.textContent('#username'), 'user1', 'the GET alone signed nobody out');
      await page.goto(`${demo.clientUrl}/accounts/logout/`);
      await screenshot(page, '4-logout-confirmation');
      await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Sign out")')]);
      assert.match((await page.textContent('body')) ?? '', /You are not logged in/);
      await page.context().close();
    });

    it("single logout: signing out at the provider ends the client's session", async () => {
      const page = await freshPage();
      await page.goto(`${demo.providerUrl}/login/`);
      await signInAtProvider(page, 'user1', '123');
      await page.goto(`${demo.clientUrl}/accounts/login/`);
      await page.getByRole('button', { name: 'continue', exact: true }).click();
      assert.equal(await page.textContent('#username'), 'user1');

      await page.goto(`${demo.providerUrl}/`);
      await page.getByRole('link', { name: 'Log out', exact: true }).click();
      await Promise.all([page.waitForLoadState('load'), page.click('form[action="/logout/"] button')]);
      assert.match((await page.textContent('body')) ?? '', /You are not logged in/);

      // The provider sends the notice from its outbox, just after the sign-out: reload until it
      // has arrived (bounded; the test fails if it never does).
      let signedIn = true;
      for (let attempt = 0; attempt < 50 && signedIn; attempt++) {
        await page.goto(`${demo.clientUrl}/`);
        signedIn = (await page.$('#username')) !== null;
        if (signedIn) await page.waitForTimeout(200);
      }
      assert.equal(signedIn, false, 'the client session ended');
      assert.match((await page.textContent('body')) ?? '', /You are not logged in/);
      await screenshot(page, '6-single-logout-client');
      await page.context().close();
    });

    it('wrong password: the provider shows the form again with an error', async () => {
      const page = await freshPage();
      await page.goto(`${demo.clientUrl}/accounts/login/`);
      await signInAtProvider(page, 'user1', 'not-the-password');
      assert.ok(page.url().startsWith(`${demo.providerUrl}/sso/login/`));
      assert.ok(await page.$('input[name="password"]'), 'the form is shown again');
      assert.ok(((await page.textContent('[role="alert"]')) ?? '').length > 0, 'with an error message');
      await screenshot(page, '5-wrong-password');
      await page.context().close();
    });
  });
}
