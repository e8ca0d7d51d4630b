import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqlDatabase, type SqlDatabase } from '@ssokit/stores';
import { type AccountStore, sqlAccountStore } from '../src/accounts/account-store.ts';
import { argon2PasswordHasher } from '../src/accounts/password-hashing.ts';
import { ensureAccount } from '../src/seeding.ts';
import { TestBrowser } from './support/browser.ts';
import { CALLBACK, type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import { loginPath, requestTokenPath } from './support/python2-sso-client.ts';

async function signIn(fixture: ProviderFixture, username: string, password: string): Promise<TestBrowser> {
  const browser = new TestBrowser(fixture.url);
  const form = await browser.get('/login/');
  const answer = await browser.post('/login/', {
    csrf_token: TestBrowser.csrfField(form.body),
    username,
    password,
    next: '/',
  });
  assert.equal(answer.status, 302, `sign-in of ${username}`);
  return browser;
}

async function ssoLoginPage(fixture: ProviderFixture, browser: TestBrowser): Promise<string> {
  const answer = await fetch(`${fixture.url}${requestTokenPath(fixture.client)}`);
  const requestToken = /"request_token": "([0-9a-f]{32})"/.exec(await answer.text())?.[1];
  assert.ok(requestToken);
  const page = await browser.get(loginPath(fixture.client, requestToken, CALLBACK));
  assert.equal(page.status, 200);
  return page.body;
}

// The CLI changes passwords in the database while the provider keeps its sessions in its own
// memory: the provider must notice at the session's next use.
describe('a password changed outside the provider process', () => {
  let directory: string;
  let fixture: ProviderFixture;
  let cliDatabase: SqlDatabase<unknown>;
  let cliAccounts: AccountStore;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ssokit-auth-hash-'));
    const url = `sqlite:${join(directory, 'provider.sqlite')}`;
    fixture = await startProviderFixture({ database: url });
    cliDatabase = openSqlDatabase({ url });
    cliAccounts = sqlAccountStore({
      database: cliDatabase,
      passwordHasher: argon2PasswordHasher({ memoryCost: 1024, timeCost: 1 }),
    });
  });
  after(async () => {
    await fixture.close();
    await cliDatabase.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('signs that account out at the next request (home, SSO "continue as"), the other account stays', async () => {
    const user1 = await signIn(fixture, 'user1', '123');
    const user2 = await signIn(fixture, 'user2', '456');
    assert.match(await ssoLoginPage(fixture, user1), /Continue with current user\? user1/);
    const token = user1.cookies.get('ssokit_provider_session');
    assert.ok(await fixture.running.provider.sessions.read(token));

    assert.equal(await cliAccounts.setPassword('user1', 'changed-by-cli'), true);

    assert.doesNotMatch((await user1.get('/')).body, /Signed in as/);
    const page = await ssoLoginPage(fixture, user1);
    assert.doesNotMatch(page, /Continue with current user/);
    assert.match(page, /name="password"/);
    // Signed out means gone from the store, not only refused.
    assert.equal(await fixture.running.provider.sessions.read(token), undefined);
    assert.match((await user2.get('/')).body, /Signed in as/);
    assert.match(await ssoLoginPage(fixture, user2), /Continue with current user\? user2/);
    // The new password signs in again.
    assert.match((await (await signIn(fixture, 'user1', 'changed-by-cli')).get('/')).body, /Signed in as/);
  });

  it('keeps the browser that changed its own password signed in', async () => {
    const other = await signIn(fixture, 'user2', '456');
    const me = await signIn(fixture, 'user2', '456');
    const csrf = TestBrowser.csrfField((await me.get('/')).body);
    const changed = await me.post('/account/password', {
      csrf_token: csrf,
      old_password: '456',
      new_password: 'own-change',
    });
    assert.equal(changed.status, 303);
    assert.match((await me.get('/')).body, /Signed in as/);
    assert.match(await ssoLoginPage(fixture, me), /Continue with current user\? user2/);
    assert.doesNotMatch((await other.get('/')).body, /Signed in as/);
  });

  it('keeps the admin who reset their own password signed in', async () => {
    const { provider } = fixture.running;
    const { account: boss } = await ensureAccount(provider.accounts, {
      username: 'boss',
      password: 'b',
      isStaff: true,
    });
    const other = await signIn(fixture, 'boss', 'b');
    const admin = await signIn(fixture, 'boss', 'b');
    const page = `/admin/accounts/${boss.id}/`;
    const csrf = TestBrowser.csrfField((await admin.get(page)).body);
    const reset = await admin.post(`${page}password`, { csrf_token: csrf, password: 'b2' });
    assert.equal(reset.status, 303);
    assert.equal((await admin.get(page)).status, 200);
    assert.doesNotMatch((await other.get('/')).body, /Signed in as/);
  });

  it('counts a session without the digest (written before it existed) as signed out', async () => {
    const { provider } = fixture.running;
    const account = await provider.accounts.findByUsername('user2');
    assert.ok(account);
    // JSON leaves the undefined field out: the session as an older provider wrote it.
    const token = await provider.sessions.create({ id: account.id, sessionAuthHash: undefined as never });
    const browser = new TestBrowser(fixture.url);
    browser.cookies.set('ssokit_provider_session', token);
    assert.doesNotMatch((await browser.get('/')).body, /Signed in as/);
    assert.equal(await provider.sessions.read(token), undefined);
  });
});
