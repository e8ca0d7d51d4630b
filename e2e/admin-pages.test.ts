// The provider's admin pages in real Chromium against the demo: staff only, every action a form.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoStaffAccount, type RunningDemo, startDemo } from '../examples/demo/start-demo.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';
import { freePort } from './free-port.ts';

const artifacts = new URL('./artifacts/', import.meta.url).pathname;

describe('admin pages in Chromium', { skip: chromiumSkipReason() }, () => {
  let demo: RunningDemo;
  let browser: Browser;
  let dataDir: string;
  let staff: BrowserContext;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'ssokit-e2e-admin-'));
    demo = await startDemo({
      providerPort: await freePort(),
      clientPort: await freePort(),
      dataDir,
      logger: pino({ level: 'silent' }),
    });
    browser = await launchChromium();
    staff = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const screenshot = (page: Page, name: string) =>
    page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

  async function signIn(page: Page, username: string, password: string): Promise<void> {
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', password);
    await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
  }

  const submit = (page: Page, button: string) =>
    Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: button, exact: true }).first().click(),
    ]);

  it('refuses an account that is not staff', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const answer = await page.goto(`${demo.providerUrl}/admin/`);
    assert.match(page.url(), /\/login\/\?next=%2Fadmin%2F$/);
    assert.equal(answer?.status(), 200);
    await signIn(page, 'user1', '123');
    assert.equal(new URL(page.url()).pathname, '/admin/');
    assert.match((await page.textContent('body')) ?? '', /The admin pages are for staff accounts/);
    const again = await page.goto(`${demo.providerUrl}/admin/accounts/`);
    assert.equal(again?.status(), 403);
    await screenshot(page, 'admin-refused');
    await context.close();
  });

  it('signs a staff account in through the provider sign-in and shows the overview', async () => {
    const page = await staff.newPage();
    await page.goto(`${demo.providerUrl}/admin/`);
    await signIn(page, demoStaffAccount.username, demoStaffAccount.password);
    assert.equal(new URL(page.url()).pathname, '/admin/');
    assert.match((await page.textContent('main')) ?? '', /Accounts\s*3/);
    await page.close();
  });

  it('adds an account that can then sign in', async () => {
    const page = await staff.newPage();
    await page.goto(`${demo.providerUrl}/admin/accounts/`);
    await page.fill('#id_username', 'carol');
    await page.fill('#id_password', 'carol-pass');
    await page.fill('#id_email', 'carol@example.org');
    await page.fill('#id_first_name', 'Carol');
    await page.fill('#id_last_name', 'Jones');
    await submit(page, 'Add account');
    assert.match(page.url(), /\/admin\/accounts\/\d+\/\?notice=account-added$/);
    assert.match((await page.textContent('.notice')) ?? '', /Account added/);
    assert.equal(await page.inputValue('#id_email'), 'carol@example.org');
    await page.goto(`${demo.providerUrl}/admin/accounts/`);
    await screenshot(page, 'admin-accounts');

    const context = await browser.newContext();
    const carol = await context.newPage();
    await carol.goto(`${demo.providerUrl}/login/`);
    await signIn(carol, 'carol', 'carol-pass');
    assert.match((await carol.textContent('body')) ?? '', /Signed in as\s+carol/);
    await context.close();
    await page.close();
  });

  it('registers a client app bound to its host and shows the secret once', async () => {
    const page = await staff.newPage();
    await page.goto(`${demo.providerUrl}/admin/clients/`);
    await page.fill('#id_host', 'billing.example.org');
    await page.selectOption('#id_scheme', 'https');
    await page.fill('#id_callback_path', '/sso/callback/');
    await page.fill('#id_note', 'billing app');
    await submit(page, 'Register');
    const secret = ((await page.textContent('#secret')) ?? '').trim();
    assert.match(secret, /^[0-9a-f]{64}$/);
    assert.ok(!page.url().includes(secret));
    await screenshot(page, 'admin-client-secret');
    await page.goto(`${demo.providerUrl}/admin/clients/`);
    const listed = (await page.textContent('main')) ?? '';
    assert.match(listed, /https:\/\/billing\.example\.org/);
    assert.match(listed, /\/sso\/callback\//);
    assert.ok(!listed.includes(secret), 'the secret is not shown again');
    await screenshot(page, 'admin-clients');
    await page.close();
  });

  it("ends a user's sessions: the user is signed out at the provider", async () => {
    const context = await browser.newContext();
    const user = await context.newPage();
    await user.goto(`${demo.providerUrl}/login/`);
    await signIn(user, 'user2', '456');
    assert.match((await user.textContent('body')) ?? '', /Signed in as\s+user2/);

    const page = await staff.newPage();
    await page.goto(`${demo.providerUrl}/admin/sessions/`);
    assert.match((await page.textContent('table')) ?? '', /user2/);
    await screenshot(page, 'admin-sessions');
    await page.getByRole('link', { name: 'user2', exact: true }).click();
    await page.waitForLoadState('load');
    assert.match((await page.textContent('h2')) ?? '', /Account user2/);
    await submit(page, 'End all sessions');
    assert.match((await page.textContent('.notice')) ?? '', /Sessions ended/);
    assert.match((await page.textContent('main')) ?? '', /No provider sessions/);
    await screenshot(page, 'admin-account');

    await user.reload();
    assert.match((await user.textContent('body')) ?? '', /You are not logged in/);
    await context.close();
    await page.close();
  });

  it("shows the audit trail with the admin pages' changes", async () => {
    const page = await staff.newPage();
    await page.goto(`${demo.providerUrl}/admin/`);
    await page.locator('nav').getByRole('link', { name: 'Audit trail', exact: true }).click();
    await page.waitForLoadState('load');
    // Audit rows are written in batches a moment after the event.
    let text = '';
    for (let attempt = 0; attempt < 50 && !/client_registered/.test(text); attempt++) {
      await page.reload();
      text = (await page.textContent('table')) ?? '';
    }
    assert.match(text, /account_added/);
    assert.match(text, /client_registered/);
    await screenshot(page, 'admin-audit');
    await page.close();
  });

  it('is readable on a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    await context.addCookies(await staff.cookies());
    const page = await context.newPage();
    await page.goto(`${demo.providerUrl}/admin/accounts/`);
    assert.match((await page.textContent('h2')) ?? '', /Accounts/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is no wider than the phone (${overflow}px more)`);
    await screenshot(page, 'admin-phone');
    await context.close();
  });

  it('shows a user their own page: sessions and a password change that ends the others', async () => {
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await otherPage.goto(`${demo.providerUrl}/login/`);
    await signIn(otherPage, 'user1', '123');
    const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${demo.providerUrl}/login/`);
    await signIn(page, 'user1', '123');
    assert.match((await page.textContent('main')) ?? '', /Where you are signed in/);
    // This browser, the other one, and the session of the refused admin visit above.
    assert.equal(await page.locator('tbody tr').count(), 3);
    await screenshot(page, 'account-page');
    await page.fill('#id_old_password', '123');
    await page.fill('#id_new_password', 'new-pass-1');
    await submit(page, 'Change password');
    assert.match((await page.textContent('.notice')) ?? '', /Password changed/);
    assert.equal(await page.locator('tbody tr').count(), 1);
    await otherPage.reload();
    assert.match((await otherPage.textContent('body')) ?? '', /You are not logged in/);
    await context.close();
    await other.close();
  });
});
