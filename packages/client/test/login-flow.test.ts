import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openSqlDatabase } from '@ssokit/stores';
import { sql } from 'kysely';
import { API_KEY, SECRET_KEY, transcriptUsers } from './fixtures.ts';
import { type OriginalDjSsoServer, startOriginalDjSsoServer } from './original-dj-sso-server.ts';
import { signIn, signInAtProvider, startTestApp, submitProviderForm, type TestApp } from './test-app.ts';
import { linkHref, TestBrowser } from './test-browser.ts';

describe('sign-in against the original dj-sso-server', () => {
  let provider: OriginalDjSsoServer;
  let app: TestApp;
  const database = openSqlDatabase({ url: 'sqlite::memory:' });

  before(async () => {
    const users = [
      ...transcriptUsers(),
      { id: 3, username: 'carol', password: '789', email: 'carol@example.com' },
    ];
    provider = await startOriginalDjSsoServer({ apiKey: API_KEY, secretKey: SECRET_KEY, users });
    app = await startTestApp({ providerUrl: provider.url, apiKey: API_KEY, secretKey: SECRET_KEY, database });
    provider.bindHost(app.host);
  });
  after(async () => {
    await app.close();
    await provider.close();
    await database.close();
  });

  it('redirects to the provider login page exactly as the original client did (transcript 01)', async () => {
    const browser = new TestBrowser();
    const start = await browser.request(`${app.url}/accounts/login/`);
    assert.equal(start.status, 302);
    const next = encodeURIComponent(`${app.url}/myssoclient/auth/?redirect=/`);
    assert.match(
      start.rawLocation ?? '',
      new RegExp(`^${provider.url}/sso/login/\\?api_key=${API_KEY}&request_token=[0-9a-f]{8}&next=${next}$`),
    );
    const signed = provider.backChannel.at(-1) ?? '';
    assert.match(
      signed,
      new RegExp(
        `^/sso/reqeusttoken/\\?timestamp=\\d+(\\.\\d+)?&apikey=${API_KEY}&signature=[A-Za-z0-9+/]+=*$`,
      ),
    );
    const loginCookie = start.setCookies.find((line) => line.startsWith('ssokit_session_login='));
    assert.match(loginCookie ?? '', /; Max-Age=300; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it('signs user1 in through the provider form and shows the user with their extras (transcript 01)', async () => {
    const browser = new TestBrowser();
    const done = await signIn(browser, app, { username: 'user1', password: '123' });
    assert.equal(done.status, 302);
    assert.equal(done.rawLocation, '/');
    const sessionCookie = done.setCookies.find((line) => line.startsWith('ssokit_session='));
    assert.match(
      sessionCookie ?? '',
      /^ssokit_session=[A-Za-z0-9_-]{43}; Max-Age=1209600; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const signed = provider.backChannel.at(-1) ?? '';
    assert.match(
      signed,
      /^\/sso\/authtoken\/\?request_token=[0-9a-f]{8}&auth_token=[0-9a-f]{64}&timestamp=[\d.]+&apikey=5f159b82&signature=/,
    );
    const me = JSON.parse((await browser.request(`${app.url}/me`)).body);
    assert.equal(me.id, 1);
    assert.equal(me.username, 'user1');
    assert.equal(me.email, 'user1@example.com');
    assert.deepEqual(me.extras.groups, []);
    assert.equal(
      (await browser.request(`${app.url}/private`)).body,
      'private page of user1 <user1@example.com>',
    );
  });

  it('continues as the user already signed in at the provider (transcript 02, cwca=yes)', async () => {
    const browser = new TestBrowser();
    await browser.request(`${provider.url}/login/`, { form: { username: 'user1', password: '123' } });
    const start = await browser.request(`${app.url}/accounts/login/`);
    const page = await browser.request(start.location ?? '');
    assert.match(page.body, /Continue with current user\? user1/);
    const proceed = await browser.request(new URL(linkHref(page.body, 'continue') ?? '', provider.url).href);
    const done = await browser.request(proceed.location ?? '');
    assert.equal(done.rawLocation, '/');
    assert.equal((await browser.request(`${app.url}/`)).body, 'hello user1');
  });

  it('switches account while the provider keeps its own user (transcript 03, cwca=no)', async () => {
    const browser = new TestBrowser();
    await browser.request(`${provider.url}/login/`, { form: { username: 'user1', password: '123' } });
    const start = await browser.request(`${app.url}/accounts/login/`);
    const page = await browser.request(start.location ?? '');
    const form = await browser.request(
      new URL(linkHref(page.body, 'switch account') ?? '', provider.url).href,
    );
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
    const second = browser.cookie('localhost', 'ssokit_session');
    assert.notEqual(first, second);
    const stale = new TestBrowser();
    stale.setCookie('localhost', 'ssokit_session', first ?? '');
    assert.equal((await stale.request(`${app.url}/`)).body, 'anonymous');
  });

  it('lets several tabs of one browser sign in at the same time', async () => {
    const browser = new TestBrowser();
    const tabA = await signInAtProvider(browser, app, { username: 'user1', password: '123' }, '/a');
    const tabB = await signInAtProvider(browser, app, { username: 'user1', password: '123' }, '/b');
    assert.equal((await browser.request(tabB.callback.location ?? '')).rawLocation, '/b');
    assert.equal((await browser.request(tabA.callback.location ?? '')).rawLocation, '/a');
  });

  it('logout ends the session on the server: a copied cookie is useless afterwards (transcript 06)', async () => {
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

  it('keeps the stored user while another session lives and removes it with the last one (transcript 06)', async () => {
    const browserA = new TestBrowser();
    const browserB = new TestBrowser();
    await signIn(browserA, app, { username: 'carol', password: '789' });
    await signIn(browserB, app, { username: 'carol', password: '789' });
    await browserA.request(`${app.url}/accounts/logout`);
    assert.equal((await browserB.request(`${app.url}/`)).body, 'hello carol');
    assert.equal((await app.router.client.users.get(3))?.username, 'carol');
    await browserB.request(`${app.url}/accounts/logout/`);
    assert.equal(await app.router.client.users.get(3), undefined);
  });

  it('logout follows a safe ?next= only', async () => {
    const browser = new TestBrowser();
    assert.equal((await browser.request(`${app.url}/accounts/logout/?next=/bye`)).rawLocation, '/bye');
    assert.equal((await browser.request(`${app.url}/accounts/logout/?next=//evil.example`)).rawLocation, '/');
  });

  it('updates the stored user at each sign-in instead of adding a row', async () => {
    const browser = new TestBrowser();
    await signIn(browser, app, { username: 'user1', password: '123' });
    provider.updateUser('user1', { email: 'new-address@example.com', first_name: 'Renamed' });
    await signIn(browser, app, { username: 'user1', password: '123' });
    const stored = await app.router.client.users.get(1);
    assert.equal(stored?.extras.email, 'new-address@example.com');
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from ssokit_sso_users where username = 'user1'`.execute(database.db);
    assert.equal(Number(rows[0]?.n), 1);
    assert.equal(JSON.parse((await browser.request(`${app.url}/me`)).body).first_name, 'Renamed');
  });
});
