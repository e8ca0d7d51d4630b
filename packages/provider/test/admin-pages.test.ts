import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createProvider } from '../src/create-provider.ts';
import { createProviderApp } from '../src/create-provider-app.ts';
import { silentLogger } from '../src/logging/provider-logger.ts';
import { ensureAccount } from '../src/seeding.ts';
import { TestBrowser } from './support/browser.ts';
import { type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';

async function signIn(fixture: ProviderFixture, username: string, password: string, next = '/') {
  const browser = new TestBrowser(fixture.url);
  const form = await browser.get('/login/');
  const answer = await browser.post('/login/', {
    csrf_token: TestBrowser.csrfField(form.body),
    username,
    password,
    next,
  });
  assert.equal(answer.status, 302, `sign-in of ${username}`);
  return browser;
}

async function csrfOf(browser: TestBrowser, page: string): Promise<string> {
  return TestBrowser.csrfField((await browser.get(page)).body);
}

describe('admin pages over HTTP', () => {
  let fixture: ProviderFixture;
  let admin: TestBrowser;
  before(async () => {
    fixture = await startProviderFixture();
    await ensureAccount(fixture.running.provider.accounts, {
      username: 'boss',
      password: 'boss-pass',
      isStaff: true,
    });
    admin = await signIn(fixture, 'boss', 'boss-pass');
  });
  after(() => fixture.close());

  it('sends a browser without a session to the sign-in page with next back to the admin page', async () => {
    const answer = await new TestBrowser(fixture.url).get('/admin/accounts/');
    assert.equal(answer.status, 302);
    assert.equal(answer.location, '/login/?next=%2Fadmin%2Faccounts%2F');
    const login = await new TestBrowser(fixture.url).get(answer.location ?? '');
    assert.match(login.body, /name="next" value="\/admin\/accounts\/"/);
  });

  it('refuses a signed-in account that is not staff with 403, on pages and actions', async () => {
    const user = await signIn(fixture, 'user1', '123');
    const page = await user.get('/admin/');
    assert.equal(page.status, 403);
    assert.match(page.body, /for staff accounts/);
    const csrf = await csrfOf(user, '/logout/');
    const post = await user.post('/admin/accounts/', { csrf_token: csrf, username: 'sneaky', password: 'x' });
    assert.equal(post.status, 403);
    assert.equal(await fixture.running.provider.accounts.findByUsername('sneaky'), undefined);
  });

  it('refuses a form without a valid CSRF token with 403 and changes nothing', async () => {
    const none = await admin.post('/admin/accounts/', { username: 'nocsrf', password: 'pw' });
    assert.equal(none.status, 403);
    assert.match(none.body, /form has expired/);
    const forged = await admin.post('/admin/accounts/', {
      csrf_token: 'a'.repeat(64),
      username: 'nocsrf',
      password: 'pw',
    });
    assert.equal(forged.status, 403);
    // A token of another browser does not fit this one's cookies.
    const other = await signIn(fixture, 'user2', '456');
    const otherToken = await csrfOf(other, '/logout/');
    assert.equal(
      (await admin.post('/admin/accounts/', { csrf_token: otherToken, username: 'nocsrf', password: 'pw' }))
        .status,
      403,
    );
    assert.equal(await fixture.running.provider.accounts.findByUsername('nocsrf'), undefined);
  });

  it('answers a GET on an action with 405 and Allow: POST, and a POST on a page with 405', async () => {
    for (const path of [
      '/admin/accounts/1/end-sessions',
      '/admin/clients/x/rotate',
      '/admin/sessions/end',
      '/account/password',
    ]) {
      const answer = await admin.get(path);
      assert.equal(answer.status, 405, path);
      assert.equal(answer.headers.get('allow'), 'POST', path);
    }
    const post = await admin.post('/admin/sessions/', {
      csrf_token: await csrfOf(admin, '/admin/accounts/'),
    });
    assert.equal(post.status, 405);
  });

  it('adds an account, refuses bad input with 400 and a clear message, never 500', async () => {
    const csrf = await csrfOf(admin, '/admin/accounts/');
    const added = await admin.post('/admin/accounts/', {
      csrf_token: csrf,
      username: 'carol',
      password: 'carol-pass',
      email: 'carol@example.org',
      first_name: 'Carol',
    });
    assert.equal(added.status, 303);
    assert.match(added.location ?? '', /^\/admin\/accounts\/\d+\/\?notice=account-added$/);
    const page = await admin.get(added.location ?? '');
    assert.match(page.body, /Account added/);
    assert.match(page.body, /value="carol@example.org"/);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ username: 'carol', password: 'x' }, /taken/],
      [{ username: 'bad name!', password: 'x' }, /username must be/],
      [{ username: '', password: 'x' }, /Enter a username/],
      [{ username: 'dave', password: '' }, /Enter a password/],
      [{ username: 'dave', password: 'x', email: 'not-an-email' }, /email must look like/],
      [{ username: 'dave', password: 'x'.repeat(2000) }, /password must be at most/],
    ];
    for (const [fields, message] of cases) {
      const answer = await admin.post('/admin/accounts/', { csrf_token: csrf, ...fields });
      assert.equal(answer.status, 400, JSON.stringify(fields).slice(0, 80));
      assert.match(answer.body, message);
    }
    const repeated = await admin.request('POST', '/admin/accounts/', {
      body: `csrf_token=${csrf}&username=a&username=b&password=x`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(repeated.status, 400);
    assert.equal((await admin.get('/admin/accounts/abc/')).status, 404);
    assert.equal((await admin.post('/admin/accounts/99999/edit', { csrf_token: csrf })).status, 400);
  });

  it("shows the provider's audit trail, with the admin pages' own changes in it", async () => {
    const { audit } = fixture.running.provider;
    assert.ok(audit, 'the fixture provider keeps an audit trail');
    await audit.flush();
    const page = await admin.get('/admin/audit/');
    assert.equal(page.status, 200);
    assert.match(page.body, /account_added<\/td><td><\/td><td>carol</);
    assert.match((await admin.get('/admin/')).body, /href="\/admin\/audit\/"/);
  });

  it('searches accounts by name, email and username, escaping what it shows', async () => {
    const found = await admin.get('/admin/accounts/?q=Carol');
    assert.match(found.body, />carol</);
    assert.doesNotMatch(found.body, />user2</);
    const hostile = await admin.get(`/admin/accounts/?q=${encodeURIComponent('<script>x</script>')}`);
    assert.equal(hostile.status, 200);
    assert.doesNotMatch(hostile.body, /<script>x/);
  });

  it('edits attributes, resets a password (ending the sessions), deactivates and ends sessions', async () => {
    const { accounts } = fixture.running.provider;
    const user1 = await signIn(fixture, 'user1', '123');
    const id = (await accounts.findByUsername('user1'))?.id;
    const base = `/admin/accounts/${id}/`;
    const csrf = await csrfOf(admin, base);
    const page = await admin.get(base);
    assert.match(page.body, /HeadlessChrome|node|undici|Browser/);
    assert.equal(
      (
        await admin.post(`${base}edit`, {
          csrf_token: csrf,
          email: 'one@example.org',
          first_name: 'Uno',
          last_name: 'One',
        })
      ).status,
      303,
    );
    assert.equal((await accounts.findByUsername('user1'))?.email, 'one@example.org');
    assert.equal((await user1.get('/')).status, 200);
    assert.match((await user1.get('/')).body, /Change your password/);
    assert.equal((await admin.post(`${base}end-sessions`, { csrf_token: csrf })).status, 303);
    assert.doesNotMatch((await user1.get('/')).body, /Change your password/);

    const again = await signIn(fixture, 'user1', '123');
    assert.equal(
      (await admin.post(`${base}password`, { csrf_token: csrf, password: 'fresh-pass' })).status,
      303,
    );
    assert.doesNotMatch((await again.get('/')).body, /Signed in as/);
    assert.ok(await accounts.verifyCredentials('user1', 'fresh-pass'));

    const third = await signIn(fixture, 'user1', 'fresh-pass');
    assert.equal((await admin.post(`${base}active`, { csrf_token: csrf, active: 'off' })).status, 303);
    assert.equal((await accounts.findByUsername('user1'))?.isActive, false);
    assert.doesNotMatch((await third.get('/')).body, /Signed in as/);
    assert.equal((await admin.post(`${base}active`, { csrf_token: csrf, active: 'maybe' })).status, 400);
    assert.equal((await admin.post(`${base}active`, { csrf_token: csrf, active: 'on' })).status, 303);
    assert.equal((await accounts.findByUsername('user1'))?.isActive, true);
    await accounts.setPassword('user1', '123');
  });

  it('ends one session from the list of who is signed in, and no other', async () => {
    const first = await signIn(fixture, 'user2', '456');
    const second = await signIn(fixture, 'user2', '456');
    const list = await admin.get('/admin/sessions/');
    assert.match(list.body, />user2</);
    const { sessions, accounts } = fixture.running.provider;
    const user2 = await accounts.findByUsername('user2');
    const live = await sessions.listForUser(user2?.id ?? 0);
    const firstId = sessions.idOf(first.cookies.get('ssokit_provider_session'));
    assert.ok(live.some((session) => session.id === firstId));
    const csrf = TestBrowser.csrfField(list.body);
    const ended = await admin.post('/admin/sessions/end', {
      csrf_token: csrf,
      session: firstId ?? '',
      user: String(user2?.id),
    });
    assert.equal(ended.status, 303);
    assert.doesNotMatch((await first.get('/')).body, /Signed in as/);
    assert.match((await second.get('/')).body, /Signed in as/);
    const again = await admin.post('/admin/sessions/end', {
      csrf_token: csrf,
      session: firstId ?? '',
      user: String(user2?.id),
    });
    assert.equal(again.status, 400);
    assert.match(again.body, /already ended/);
    // Another user's id with this session's id ends nothing.
    const secondId = sessions.idOf(second.cookies.get('ssokit_provider_session')) ?? '';
    assert.equal(
      (await admin.post('/admin/sessions/end', { csrf_token: csrf, session: secondId, user: '1' })).status,
      400,
    );
    assert.match((await second.get('/')).body, /Signed in as/);
  });

  it('records attribute changes and ended sessions in the audit trail, with the reason', async () => {
    const { audit } = fixture.running.provider;
    assert.ok(audit);
    await audit.flush();
    const events = await audit.list({ username: 'user1' });
    const actions = events.map((event) => `${event.action}:${event.outcome ?? ''}`);
    assert.ok(actions.includes('account_changed:'), actions.join(' '));
    assert.ok(actions.includes('sessions_ended:admin-logout'), actions.join(' '));
    assert.ok(actions.includes('sessions_ended:password-changed'), actions.join(' '));
    assert.ok(actions.includes('sessions_ended:deactivated'), actions.join(' '));
    assert.ok(actions.includes('account_deactivated:'), actions.join(' '));
  });

  it('registers a client app and shows its secret once: in the answer, not in a URL, a later page or a log', async () => {
    const csrf = await csrfOf(admin, '/admin/clients/');
    const answer = await admin.post('/admin/clients/', {
      csrf_token: csrf,
      host: 'app.example.org',
      scheme: 'https',
      callback_path: '/sso/callback/',
      note: 'billing',
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const secret = /id="secret">([0-9a-f]{64})</.exec(answer.body)?.[1] ?? '';
    const apiKey = /<dt>API key<\/dt><dd><code>([0-9a-f]+)</.exec(answer.body)?.[1] ?? '';
    assert.equal(secret.length, 64);
    const record = await fixture.running.provider.clientStore?.findApiKey(apiKey);
    assert.equal(record?.host, 'app.example.org');
    assert.equal(record?.callbackPath, '/sso/callback/');
    const list = await admin.get('/admin/clients/');
    assert.match(list.body, /app\.example\.org/);
    assert.ok(!list.body.includes(secret));
    const rotated = await admin.post(`/admin/clients/${apiKey}/rotate`, { csrf_token: csrf });
    assert.equal(rotated.status, 200);
    const newSecret = /id="secret">([0-9a-f]{64})</.exec(rotated.body)?.[1] ?? '';
    assert.notEqual(newSecret, secret);
    assert.match(rotated.body, /1 older secret\(s\) still work/);
    assert.equal((await admin.post(`/admin/clients/${apiKey}/retire`, { csrf_token: csrf })).status, 303);
    assert.equal((await fixture.running.provider.clientStore?.findApiKey(apiKey))?.secrets.length, 1);
    assert.ok(!fixture.logText().includes(secret) && !fixture.logText().includes(newSecret));
    const bad = await admin.post('/admin/clients/', { csrf_token: csrf, host: 'not a host' });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /host must be host\[:port\]/);
    assert.match(
      (await admin.post('/admin/clients/', { csrf_token: csrf, host: 'a.org', callback_path: 'nope' })).body,
      /callbackPath must be/,
    );
    assert.equal(
      (await admin.post('/admin/clients/', { csrf_token: csrf, host: 'a.org', scheme: 'ftp' })).status,
      400,
    );
    assert.equal((await admin.post(`/admin/clients/${apiKey}/remove`, { csrf_token: csrf })).status, 303);
    assert.equal((await admin.post(`/admin/clients/${apiKey}/remove`, { csrf_token: csrf })).status, 400);
  });
});

describe("a user's own page", () => {
  let fixture: ProviderFixture;
  before(async () => {
    fixture = await startProviderFixture();
  });
  after(() => fixture.close());

  it('lists where the user is signed in and ends one session', async () => {
    const phone = await signIn(fixture, 'user1', '123');
    const laptop = await signIn(fixture, 'user1', '123');
    const home = await laptop.get('/');
    assert.match(home.body, /Where you are signed in/);
    assert.match(home.body, /\(this browser\)/);
    assert.match(home.body, /does not record sign-ins at client apps yet/);
    const phoneId =
      fixture.running.provider.sessions.idOf(phone.cookies.get('ssokit_provider_session')) ?? '';
    assert.ok(home.body.includes(phoneId));
    const ended = await laptop.post('/account/sessions/end', {
      csrf_token: TestBrowser.csrfField(home.body),
      session: phoneId,
    });
    assert.equal(ended.status, 303);
    assert.doesNotMatch((await phone.get('/')).body, /Signed in as/);
    assert.match((await laptop.get('/')).body, /Signed in as/);
    assert.equal((await laptop.post('/account/sessions/end', { session: phoneId })).status, 403);
  });

  it('changes the password with the old one, ending the other sessions only', async () => {
    const other = await signIn(fixture, 'user2', '456');
    const me = await signIn(fixture, 'user2', '456');
    const csrf = await csrfOf(me, '/');
    const wrong = await me.post('/account/password', {
      csrf_token: csrf,
      old_password: 'nope',
      new_password: 'next-pass',
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /current password was not correct/);
    assert.equal(
      (await me.post('/account/password', { csrf_token: csrf, old_password: '456', new_password: '' }))
        .status,
      400,
    );
    const changed = await me.post('/account/password', {
      csrf_token: csrf,
      old_password: '456',
      new_password: 'next-pass',
    });
    assert.equal(changed.status, 303);
    assert.match((await me.get('/?notice=password-changed')).body, /Password changed/);
    assert.doesNotMatch((await other.get('/')).body, /Signed in as/);
    assert.ok(await fixture.running.provider.accounts.verifyCredentials('user2', 'next-pass'));
    assert.equal(await fixture.running.provider.accounts.verifyCredentials('user2', '456'), undefined);
  });

  it('checks the current password with the sign-in rate limits', async () => {
    const limited = await startProviderFixture({
      rateLimit: { perAccountAndAddress: 2, perAddress: 50, windowSeconds: 600 },
    });
    try {
      const me = await signIn(limited, 'user1', '123');
      const csrf = await csrfOf(me, '/');
      for (let attempt = 0; attempt < 2; attempt++) {
        const wrong = await me.post('/account/password', {
          csrf_token: csrf,
          old_password: 'guess',
          new_password: 'n',
        });
        assert.equal(wrong.status, 400);
      }
      const blocked = await me.post('/account/password', {
        csrf_token: csrf,
        old_password: '123',
        new_password: 'n',
      });
      assert.equal(blocked.status, 429);
      assert.ok(blocked.headers.get('retry-after'));
      assert.ok(await limited.running.provider.accounts.verifyCredentials('user1', '123'));
    } finally {
      await limited.close();
    }
  });

  it('sends a signed-out POST to the sign-in page', async () => {
    const browser = new TestBrowser(fixture.url);
    const csrf = await csrfOf(browser, '/login/');
    const answer = await browser.post('/account/password', {
      csrf_token: csrf,
      old_password: 'x',
      new_password: 'y',
    });
    assert.equal(answer.status, 303);
    assert.equal(answer.location, '/login/?next=/');
  });
});

describe('admin sign-in and the audit trail page', () => {
  it('signs staff in through the provider sign-in, with its rate limits', async () => {
    const fixture = await startProviderFixture({
      rateLimit: { perAccountAndAddress: 3, perAddress: 50, windowSeconds: 600 },
    });
    try {
      await ensureAccount(fixture.running.provider.accounts, {
        username: 'boss',
        password: 'boss-pass',
        isStaff: true,
      });
      const browser = new TestBrowser(fixture.url);
      const login = await browser.get((await browser.get('/admin/')).location ?? '');
      const csrf = TestBrowser.csrfField(login.body);
      for (let attempt = 0; attempt < 3; attempt++) {
        const wrong = await browser.post('/login/', {
          csrf_token: csrf,
          username: 'boss',
          password: 'guess',
          next: '/admin/',
        });
        assert.equal(wrong.status, 200);
      }
      const blocked = await browser.post('/login/', {
        csrf_token: csrf,
        username: 'boss',
        password: 'boss-pass',
        next: '/admin/',
      });
      assert.equal(blocked.status, 429);
      assert.equal((await browser.get('/admin/')).status, 302);
    } finally {
      await fixture.close();
    }
  });

  it('shows the audit trail only when the provider has one, and escapes what it shows', async () => {
    const plain = await startProviderFixture({ audit: false });
    try {
      await ensureAccount(plain.running.provider.accounts, {
        username: 'boss',
        password: 'boss-pass',
        isStaff: true,
      });
      const admin = await signIn(plain, 'boss', 'boss-pass');
      assert.doesNotMatch((await admin.get('/admin/')).body, /Audit trail/);
      assert.equal((await admin.get('/admin/audit/')).status, 404);
    } finally {
      await plain.close();
    }
    const events = [
      {
        at: new Date('2026-12-01T10:00:00Z'),
        action: 'sign_in',
        outcome: 'success',
        username: '<b>mallory</b>',
        address: '192.0.2.9',
      },
      {
        at: new Date('2026-12-01T11:00:00Z'),
        action: 'account_added',
        outcome: null,
        username: 'carol',
        address: null,
      },
    ];
    const provider = createProvider({
      database: 'sqlite::memory:',
      logger: silentLogger,
      passwordHashing: { memoryCost: 1024, timeCost: 1 },
    });
    Object.assign(provider, { audit: { list: async () => events.map((event) => ({ ...event })) } });
    await provider.migrate();
    await ensureAccount(provider.accounts, { username: 'boss', password: 'boss-pass', isStaff: true });
    const server = createProviderApp(provider).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const admin = await signIn({ url } as ProviderFixture, 'boss', 'boss-pass');
      assert.match((await admin.get('/admin/')).body, /href="\/admin\/audit\/"/);
      const page = await admin.get('/admin/audit/');
      assert.equal(page.status, 200);
      assert.match(page.body, /account_added[\s\S]*sign_in/, 'newest first');
      assert.match(page.body, /&lt;b&gt;mallory&lt;\/b&gt;/);
      assert.equal(
        (await admin.post('/admin/audit/', { csrf_token: await csrfOf(admin, '/admin/accounts/') })).status,
        405,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await provider.close();
    }
  });

  it('asks for a logout URL where the client store keeps them (single logout), and passes it on', async () => {
    const fixture = await startProviderFixture();
    try {
      const { provider } = fixture.running;
      await ensureAccount(provider.accounts, { username: 'boss', password: 'boss-pass', isStaff: true });
      const admin = await signIn(fixture, 'boss', 'boss-pass');
      const csrf = await csrfOf(admin, '/admin/clients/');
      // The SQL client store keeps logout URLs: the form asks, and one on the host is stored.
      assert.match((await admin.get('/admin/clients/')).body, /name="logout_url"/);
      const registered = await admin.post('/admin/clients/', {
        csrf_token: csrf,
        host: 'a.example.org',
        logout_url: 'https://a.example.org/out/',
      });
      assert.equal(registered.status, 200);
      const listed = await provider.clientStore?.list();
      assert.equal(
        listed?.find((client) => client.host === 'a.example.org')?.logoutUrl,
        'https://a.example.org/out/',
      );
    } finally {
      await fixture.close();
    }
    // A client store with single logout (setLogoutUrl): the form asks, the store is given the URL.
    const provider = createProvider({
      database: 'sqlite::memory:',
      logger: silentLogger,
      audit: false,
      passwordHashing: { memoryCost: 1024, timeCost: 1 },
    });
    await provider.migrate();
    await ensureAccount(provider.accounts, { username: 'boss', password: 'boss-pass', isStaff: true });
    const store = provider.clientStore;
    assert.ok(store);
    const added: unknown[] = [];
    Object.assign(provider, {
      clientStore: {
        list: () => store.list(),
        setLogoutUrl: async () => undefined,
        add: (input: Parameters<typeof store.add>[0]) => {
          added.push(input);
          return store.add(input);
        },
      },
    });
    const server = createProviderApp(provider).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const admin = await signIn({ url } as ProviderFixture, 'boss', 'boss-pass');
      const page = await admin.get('/admin/clients/');
      assert.match(page.body, /name="logout_url"/);
      const answer = await admin.post('/admin/clients/', {
        csrf_token: TestBrowser.csrfField(page.body),
        host: 'b.example.org',
        logout_url: 'https://b.example.org/out/',
      });
      assert.equal(answer.status, 200);
      assert.deepEqual(added, [{ host: 'b.example.org', logoutUrl: 'https://b.example.org/out/' }]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await provider.close();
    }
  });

  it('escapes account attributes on the admin pages', async () => {
    const fixture = await startProviderFixture();
    try {
      const { accounts } = fixture.running.provider;
      await ensureAccount(accounts, { username: 'boss', password: 'boss-pass', isStaff: true });
      const evil = await accounts.add({
        username: 'eve',
        password: 'pw',
        firstName: '<script>alert(1)</script>',
        email: 'e"><x@example.org',
      });
      const admin = await signIn(fixture, 'boss', 'boss-pass');
      for (const path of ['/admin/accounts/', `/admin/accounts/${evil.id}/`]) {
        const body = (await admin.get(path)).body;
        assert.doesNotMatch(body, /<script>alert/, path);
        assert.doesNotMatch(body, /e"><x/, path);
      }
    } finally {
      await fixture.close();
    }
  });
});
