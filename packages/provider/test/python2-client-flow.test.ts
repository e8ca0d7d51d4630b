import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { djangoJsonDate } from '@ssokit/protocol';
import { TestBrowser } from './support/browser.ts';
import { CALLBACK, type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import {
  authTokenPath,
  loginPath,
  python2Timestamp,
  requestTokenPath,
} from './support/python2-sso-client.ts';

/** The client's back channel: plain GETs as Python's urllib sends them. */
async function backChannel(fixture: ProviderFixture, path: string) {
  const response = await fetch(`${fixture.url}${path}`, { headers: { 'accept-encoding': 'identity' } });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

async function newRequestToken(fixture: ProviderFixture): Promise<string> {
  const answer = await backChannel(fixture, requestTokenPath(fixture.client));
  assert.equal(answer.status, 200);
  const match = /^\{"request_token": "([0-9a-f]{32})"\}$/.exec(answer.body);
  assert.ok(match?.[1], `unexpected body ${answer.body}`);
  return match[1];
}

/** The callback the provider sends the browser to, taken apart as the client would. */
function parseCallback(location: string | null, requestToken: string): string {
  assert.ok(location);
  const match =
    /^http:\/\/localhost:8000\/myssoclient\/auth\/\?redirect=%2F&request_token=([0-9a-f]+)&auth_token=([0-9a-f]{64})$/.exec(
      location,
    );
  assert.ok(match, `unexpected callback ${location}`);
  assert.equal(match[1], requestToken);
  return match[2] as string;
}

function expectedUserJson(
  id: number,
  username: string,
  lastName: string,
  lastLogin: string | null,
  dateJoined: string,
): string {
  const login = lastLogin === null ? 'null' : `"${lastLogin}"`;
  return `{"user": {"id": ${id}, "last_login": ${login}, "is_superuser": false, "username": "${username}", "first_name": "User", "last_name": "${lastName}", "email": "${username}@example.com", "is_staff": false, "is_active": true, "date_joined": "${dateJoined}", "groups": []}}`;
}

describe('an unmodified Python 2 dj-sso-client against the provider', () => {
  let fixture: ProviderFixture;
  before(async () => {
    fixture = await startProviderFixture();
  });
  after(() => fixture.close());

  it('writes timestamps as Python 2 str(time.time()) does', () => {
    assert.equal(python2Timestamp(1795962540900), '1795962540.9');
    assert.equal(python2Timestamp(1795962540000), '1795962540.0');
    assert.equal(python2Timestamp(1795962540912.5), '1795962540.91');
  });

  it('logs in a fresh browser: request token, form, credentials, callback, user JSON', async () => {
    const requestToken = await newRequestToken(fixture);
    const browser = new TestBrowser(fixture.url);

    const form = await browser.get(loginPath(fixture.client, requestToken, CALLBACK));
    assert.equal(form.status, 200);
    assert.equal(form.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(form.body, /<form action="" method="post">/);
    assert.match(form.body, /name="username"/);
    assert.match(form.body, /name="password"/);
    assert.match(form.body, /Please finish signing in within 4 minutes\./);

    const posted = await browser.post(loginPath(fixture.client, requestToken, CALLBACK), {
      csrf_token: TestBrowser.csrfField(form.body),
      username: 'user1',
      password: '123',
      next: CALLBACK,
    });
    assert.equal(posted.status, 302);
    const authToken = parseCallback(posted.location, requestToken);
    // Signing in on the SSO page never starts a provider session.
    assert.equal(browser.cookies.has('ssokit_provider_session'), false);

    const answer = await backChannel(fixture, authTokenPath(fixture.client, requestToken, authToken));
    assert.equal(answer.status, 200);
    assert.equal(answer.type, 'application/json');
    const account = await fixture.running.provider.accounts.findByUsername('user1');
    assert.ok(account?.lastLogin);
    assert.equal(
      answer.body,
      expectedUserJson(
        account.id,
        'user1',
        'One',
        djangoJsonDate(account.lastLogin),
        djangoJsonDate(account.dateJoined),
      ),
    );
  });

  it('continues as the provider session\'s user through "Continue with current user?"', async () => {
    const browser = new TestBrowser(fixture.url);
    const ownForm = await browser.get('/login/');
    const signedIn = await browser.post('/login/', {
      csrf_token: TestBrowser.csrfField(ownForm.body),
      username: 'user1',
      password: '123',
      next: '',
    });
    assert.equal(signedIn.status, 302);
    assert.equal(signedIn.location, '/');
    assert.ok(browser.cookies.has('ssokit_provider_session'));

    const requestToken = await newRequestToken(fixture);
    const url = loginPath(fixture.client, requestToken, CALLBACK);
    const question = await browser.get(url);
    assert.equal(question.status, 200);
    assert.match(question.body, /Continue with current user\? user1/);
    // Continue and switch are buttons of one POST form with a CSRF token, not links.
    assert.doesNotMatch(question.body, /cwca=/);
    assert.match(question.body, /<form method="post" action="">/);
    assert.match(question.body, /<button [^>]*name="cwca" value="yes"[^>]*>continue<\/button>/);
    assert.match(question.body, /<button [^>]*name="cwca" value="no"[^>]*>switch account<\/button>/);

    // A plain GET with cwca=yes (a link on any site) signs nobody in: it asks again.
    const linked = await browser.get(`${url}&cwca=yes`);
    assert.equal(linked.status, 200);
    assert.match(linked.body, /Continue with current user\? user1/);
    const unbound = await backChannel(fixture, authTokenPath(fixture.client, requestToken, 'f'.repeat(64)));
    assert.equal(unbound.body, '{"error": "request token error"}');

    const forged = await browser.post(url, { csrf_token: 'a'.repeat(64), cwca: 'yes' });
    assert.equal(forged.status, 403);
    assert.match(forged.body, /This form has expired/);

    const continued = await browser.post(url, {
      csrf_token: TestBrowser.csrfField(question.body),
      cwca: 'yes',
    });
    assert.equal(continued.status, 302);
    const authToken = parseCallback(continued.location, requestToken);
    const answer = await backChannel(fixture, authTokenPath(fixture.client, requestToken, authToken));
    assert.equal(answer.status, 200);
    assert.match(answer.body, /"username": "user1"/);
  });

  it('switches account with the "switch account" button: the form, then user2 for the client', async () => {
    const browser = new TestBrowser(fixture.url);
    const ownForm = await browser.get('/login/');
    await browser.post('/login/', {
      csrf_token: TestBrowser.csrfField(ownForm.body),
      username: 'user1',
      password: '123',
    });
    const requestToken = await newRequestToken(fixture);
    const url = loginPath(fixture.client, requestToken, CALLBACK);
    const question = await browser.get(url);
    const form = await browser.post(url, { csrf_token: TestBrowser.csrfField(question.body), cwca: 'no' });
    assert.equal(form.status, 200);
    assert.match(form.body, /name="password"/);
    const posted = await browser.post(url, {
      csrf_token: TestBrowser.csrfField(form.body),
      username: 'user2',
      password: '456',
    });
    assert.equal(posted.status, 302);
    const authToken = parseCallback(posted.location, requestToken);
    const answer = await backChannel(fixture, authTokenPath(fixture.client, requestToken, authToken));
    assert.match(answer.body, /"username": "user2"/);
  });

  it('refuses with a 400 page a next on the client host outside its callback path', async () => {
    const requestToken = await newRequestToken(fixture);
    const browser = new TestBrowser(fixture.url);
    for (const next of [
      'http://localhost:8000/admin/delete-everything/',
      'http://localhost:8000/myssoclient/auth/../../account/',
      'http://localhost:8000/myssoclient/auth/extra',
      'http://localhost:8000/myssoclient/',
    ]) {
      const page = await browser.get(loginPath(fixture.client, requestToken, next));
      assert.equal(page.status, 400, next);
      assert.match(page.body, /only returns to the app’s sign-in callback/);
      assert.match(page.body, /\/myssoclient\/auth\//);
    }
    const answer = await backChannel(fixture, authTokenPath(fixture.client, requestToken, 'f'.repeat(64)));
    assert.equal(answer.body, '{"error": "request token error"}');
  });

  it('switches account: signs in as user2 for the client while the provider keeps user1', async () => {
    const browser = new TestBrowser(fixture.url);
    const ownForm = await browser.get('/login/');
    await browser.post('/login/', {
      csrf_token: TestBrowser.csrfField(ownForm.body),
      username: 'user1',
      password: '123',
    });

    const requestToken = await newRequestToken(fixture);
    const url = `${loginPath(fixture.client, requestToken, CALLBACK)}&cwca=no`;
    const form = await browser.get(url);
    assert.equal(form.status, 200);
    assert.match(form.body, /name="password"/);
    assert.doesNotMatch(form.body, /Continue with current user/);

    const posted = await browser.post(url, {
      csrf_token: TestBrowser.csrfField(form.body),
      username: 'user2',
      password: '456',
      next: CALLBACK,
    });
    assert.equal(posted.status, 302);
    const authToken = parseCallback(posted.location, requestToken);
    const answer = await backChannel(fixture, authTokenPath(fixture.client, requestToken, authToken));
    assert.match(answer.body, /"username": "user2"/);

    const home = await browser.get('/');
    assert.match(home.body, /Signed in as <strong>user1<\/strong>/);
  });

  it('answers 40 byte-identical reqeusttoken/ calls (logins started in one 10 ms step) with 40 tokens', async () => {
    // Python 2's str(time.time()) stays the same for 10 ms: users who click "login" together
    // make the same signed call. The original server answers each; so must this one.
    const sameStep = fixture.clock.now();
    const client = { ...fixture.client, now: () => sameStep };
    const path = requestTokenPath(client);
    const answers = await Promise.all(Array.from({ length: 40 }, () => backChannel(fixture, path)));
    assert.deepEqual(
      answers.map((answer) => answer.status),
      answers.map(() => 200),
      answers.find((answer) => answer.status !== 200)?.body,
    );
    const tokens = answers.map(
      (answer) => (JSON.parse(answer.body) as { request_token: string }).request_token,
    );
    assert.equal(new Set(tokens).size, 40);

    // authtoken/ stays single-use through its request token, whatever the signature.
    const [token] = tokens as [string];
    const browser = new TestBrowser(fixture.url);
    const url = loginPath(client, token, CALLBACK);
    const form = await browser.get(url);
    const posted = await browser.post(url, {
      csrf_token: TestBrowser.csrfField(form.body),
      username: 'user1',
      password: '123',
    });
    const redeem = authTokenPath(client, token, parseCallback(posted.location, token));
    assert.match((await backChannel(fixture, redeem)).body, /"username": "user1"/);
    assert.equal((await backChannel(fixture, redeem)).body, '{"error": "request token not found"}');
  });

  it('shows the form for cwca=yes without a provider session, where the original crashed', async () => {
    const requestToken = await newRequestToken(fixture);
    const browser = new TestBrowser(fixture.url);
    const page = await browser.get(`${loginPath(fixture.client, requestToken, CALLBACK)}&cwca=yes`);
    assert.equal(page.status, 200);
    assert.match(page.body, /name="password"/);
    const answer = await backChannel(fixture, authTokenPath(fixture.client, requestToken, 'f'.repeat(64)));
    assert.equal(answer.body, '{"error": "request token error"}');
  });
});

describe('a provider with its own userToJson', () => {
  let fixture: ProviderFixture;
  before(async () => {
    fixture = await startProviderFixture({
      userToJson: (account) => ({ id: account.id, username: account.username, roles: ['reader'] }),
    });
  });
  after(() => fixture.close());

  it('sends what the function returns, in the original JSON style', async () => {
    const requestToken = await newRequestToken(fixture);
    const browser = new TestBrowser(fixture.url);
    const url = loginPath(fixture.client, requestToken, CALLBACK);
    const form = await browser.get(url);
    const posted = await browser.post(url, {
      csrf_token: TestBrowser.csrfField(form.body),
      username: 'user2',
      password: '456',
    });
    const authToken = parseCallback(posted.location, requestToken);
    const answer = await backChannel(fixture, authTokenPath(fixture.client, requestToken, authToken));
    assert.equal(answer.body, '{"user": {"id": 2, "username": "user2", "roles": ["reader"]}}');
  });
});
