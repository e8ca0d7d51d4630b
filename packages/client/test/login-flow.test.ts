import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openSqlDatabase } from '@ssokit/stores';
import { sql } from 'kysely';
import { API_KEY, SECRET_KEY, transcriptUsers } from './fixtures.ts';
import { type OriginalDjSsoServer, startOriginalDjSsoServer } from './original-dj-sso-server.ts';
import { describeSignInAgainst } from './sign-in-cases.ts';
import { FRAMEWORKS, signIn, startTestApp, type TestApp } from './test-app.ts';
import { TestBrowser } from './test-browser.ts';

const users = () => [
  ...transcriptUsers(),
  { id: 3, username: 'carol', password: '789', email: 'carol@example.com' },
];

for (const framework of FRAMEWORKS) {
  describeSignInAgainst(
    'the original dj-sso-server',
    async () => {
      const provider = await startOriginalDjSsoServer({
        apiKey: API_KEY,
        secretKey: SECRET_KEY,
        users: users(),
      });
      return {
        url: provider.url,
        registerClient: async (host) => provider.bindHost(host),
        close: () => provider.close(),
      };
    },
    { framework },
  );
}

describe('the wire format against the original dj-sso-server', () => {
  let provider: OriginalDjSsoServer;
  let app: TestApp;
  const database = openSqlDatabase({ url: 'sqlite::memory:' });

  before(async () => {
    provider = await startOriginalDjSsoServer({ apiKey: API_KEY, secretKey: SECRET_KEY, users: users() });
    app = await startTestApp({ providerUrl: provider.url, apiKey: API_KEY, secretKey: SECRET_KEY, database });
    provider.bindHost(app.host);
  });
  after(async () => {
    await app.close();
    await provider.close();
    await database.close();
  });

  it('answers its routes without the trailing slash too, as Express routes do, and leaves other paths to the app', async () => {
    const browser = new TestBrowser();
    const start = await browser.request(`${app.url}/accounts/login`);
    assert.equal(start.status, 302);
    assert.ok(start.rawLocation?.startsWith(`${provider.url}/sso/login/?api_key=`));
    const posted = await browser.request(`${app.url}/accounts/login/`, { method: 'POST' });
    assert.equal(posted.status, 404, 'sign-in starts with GET only; a POST falls through to the app');
    const elsewhere = await browser.request(`${app.url}/accounts/login/extra`);
    assert.equal(elsewhere.status, 404);
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

  it('makes the signed authtoken/ call in the original parameter order (transcript 01)', async () => {
    await signIn(new TestBrowser(), app, { username: 'user1', password: '123' });
    const signed = provider.backChannel.at(-1) ?? '';
    assert.match(
      signed,
      /^\/sso\/authtoken\/\?request_token=[0-9a-f]{8}&auth_token=[0-9a-f]{64}&timestamp=[\d.]+&apikey=5f159b82&signature=/,
    );
  });

  it('updates the stored user at each sign-in instead of adding a row', async () => {
    const browser = new TestBrowser();
    await signIn(browser, app, { username: 'user1', password: '123' });
    provider.updateUser('user1', { email: 'new-address@example.com', first_name: 'Renamed' });
    await signIn(browser, app, { username: 'user1', password: '123' });
    const stored = await app.client.users.get(1);
    assert.equal(stored?.extras.email, 'new-address@example.com');
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from ssokit_sso_users where username = 'user1'`.execute(database.db);
    assert.equal(Number(rows[0]?.n), 1);
    assert.equal(JSON.parse((await browser.request(`${app.url}/me`)).body).first_name, 'Renamed');
  });

  it('logout follows a safe ?next= only', async () => {
    const browser = new TestBrowser();
    assert.equal((await browser.request(`${app.url}/accounts/logout/?next=/bye`)).rawLocation, '/bye');
    assert.equal((await browser.request(`${app.url}/accounts/logout/?next=//evil.example`)).rawLocation, '/');
  });
});
