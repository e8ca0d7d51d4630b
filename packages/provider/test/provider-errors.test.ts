import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { computeSignature, urlencodePython2 } from '@ssokit/protocol';
import { TestBrowser } from './support/browser.ts';
import { CALLBACK, type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import {
  authTokenPath,
  loginPath,
  type Python2Client,
  python2Timestamp,
  requestTokenPath,
} from './support/python2-sso-client.ts';

interface Answer {
  status: number;
  type: string | null;
  body: string;
}

let fixture: ProviderFixture;

async function call(path: string): Promise<Answer> {
  const response = await fetch(`${fixture.url}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

function assertWireError(answer: Answer, text: string, status = 403): void {
  assert.equal(answer.status, status);
  assert.equal(answer.type, 'application/json');
  assert.equal(answer.body, `{"error": "${text}"}`);
}

function assertPlainRefusal(answer: Answer, text: string): void {
  assert.equal(answer.status, 403);
  assert.equal(answer.type, 'text/html; charset=utf-8');
  assert.equal(answer.body, text);
}

async function requestToken(client: Python2Client = fixture.client): Promise<string> {
  const answer = await call(requestTokenPath(client));
  assert.equal(answer.status, 200, answer.body);
  return (JSON.parse(answer.body) as { request_token: string }).request_token;
}

/** Signs in on the SSO page and returns the auth token of the callback (not followed). */
async function bindToken(token: string, client: Python2Client = fixture.client): Promise<string> {
  const browser = new TestBrowser(fixture.url);
  const url = loginPath(client, token, CALLBACK.replace('8000', client === fixture.client ? '8000' : '8100'));
  const form = await browser.get(url);
  const posted = await browser.post(url, {
    csrf_token: TestBrowser.csrfField(form.body),
    username: 'user1',
    password: '123',
  });
  assert.equal(posted.status, 302, posted.body);
  const authToken = new URL(posted.location ?? '').searchParams.get('auth_token');
  assert.ok(authToken);
  return authToken;
}

/** A reqeusttoken/ call whose signature contains '+', signed correctly. */
function requestTokenPathWithPlus(): { path: string; signature: string } {
  for (let step = 0; step < 1000; step++) {
    const message = `/sso/reqeusttoken/?${urlencodePython2([
      ['timestamp', python2Timestamp(fixture.client.now())],
      ['apikey', fixture.client.apiKey],
    ])}`;
    const signature = computeSignature(fixture.client.secret, message);
    if (signature.includes('+')) return { path: message, signature };
  }
  throw new Error('no signature with + found');
}

before(async () => {
  fixture = await startProviderFixture({
    rateLimit: { perAccount: 1000, perAccountAndAddress: 1000, perAddress: 1000 },
  });
});
after(() => fixture.close());

describe('reqeusttoken/ refuses bad calls with the original texts', () => {
  it('answers "parameter missing" to an unsigned call', async () => {
    assertWireError(await call('/sso/reqeusttoken/'), 'parameter missing');
  });

  it('answers "signature error" to a call signed with another secret', async () => {
    const path = requestTokenPath({ ...fixture.client, secret: 'not-the-secret-of-this-client' });
    assertWireError(await call(path), 'signature error');
  });

  it('answers "time drift > 300 sec" 1000 s in the past and in the future', async () => {
    const past = { ...fixture.client, now: () => fixture.clock.now() - 1_000_000 };
    const future = { ...fixture.client, now: () => fixture.clock.now() + 1_000_000 };
    assertWireError(await call(requestTokenPath(past)), 'time drift > 300 sec');
    assertWireError(await call(requestTokenPath(future)), 'time drift > 300 sec');
  });

  it('answers "entry point not allowed for the API key" to an unknown key', async () => {
    const path = requestTokenPath({ ...fixture.client, apiKey: 'deadbeef' });
    assertWireError(await call(path), 'entry point not allowed for the API key');
  });

  it('accepts a signature with "+" both raw, as the client sends it, and escaped', async () => {
    const raw = requestTokenPathWithPlus();
    assert.equal((await call(`${raw.path}&signature=${raw.signature}`)).status, 200);
    const escaped = requestTokenPathWithPlus();
    assert.equal(
      (await call(`${escaped.path}&signature=${encodeURIComponent(escaped.signature)}`)).status,
      200,
    );
  });

  it('answers the correctly spelt alias requesttoken/ too', async () => {
    const message = `/sso/requesttoken/?timestamp=${python2Timestamp(fixture.client.now())}&apikey=${fixture.client.apiKey}`;
    const answer = await call(`${message}&signature=${computeSignature(fixture.client.secret, message)}`);
    assert.equal(answer.status, 200);
    assert.match(answer.body, /^\{"request_token": "[0-9a-f]{32}"\}$/);
  });

  it('answers an identical signed call again with a new token, as the original', async () => {
    const path = requestTokenPath(fixture.client);
    const first = await call(path);
    const again = await call(path);
    assert.equal(first.status, 200);
    assert.equal(again.status, 200, again.body);
    assert.notEqual(again.body, first.body);
  });
});

describe('authtoken/ follows the original semantics', () => {
  it('answers "parameter missing" unsigned, without tokens, and with only request_token', async () => {
    assertWireError(
      await call(`/sso/authtoken/?request_token=${'a'.repeat(32)}&auth_token=${'b'.repeat(64)}`),
      'parameter missing',
    );
    const signedEmpty = `/sso/authtoken/?timestamp=${python2Timestamp(fixture.client.now())}&apikey=${fixture.client.apiKey}`;
    assertWireError(
      await call(`${signedEmpty}&signature=${computeSignature(fixture.client.secret, signedEmpty)}`),
      'parameter missing',
    );
    const onlyRequest = `/sso/authtoken/?request_token=${'a'.repeat(32)}&timestamp=${python2Timestamp(fixture.client.now())}&apikey=${fixture.client.apiKey}`;
    assertWireError(
      await call(`${onlyRequest}&signature=${computeSignature(fixture.client.secret, onlyRequest)}`),
      'parameter missing',
    );
  });

  it('answers "request token not found" for an unknown token', async () => {
    assertWireError(
      await call(authTokenPath(fixture.client, '00000000', '0'.repeat(64))),
      'request token not found',
    );
  });

  it('answers "request token error" while no user is bound, and the token stays usable', async () => {
    const token = await requestToken();
    assertWireError(await call(authTokenPath(fixture.client, token, '0'.repeat(64))), 'request token error');
    assertWireError(await call(authTokenPath(fixture.client, token, '0'.repeat(64))), 'request token error');
    const authToken = await bindToken(token);
    assert.equal((await call(authTokenPath(fixture.client, token, authToken))).status, 200);
  });

  it('deletes a bound token on a wrong auth token: the right one then gets "request token not found"', async () => {
    const token = await requestToken();
    const authToken = await bindToken(token);
    assertWireError(await call(authTokenPath(fixture.client, token, '0'.repeat(64))), 'auth token error');
    assertWireError(await call(authTokenPath(fixture.client, token, authToken)), 'request token not found');
  });

  it('answers a used token with "request token not found" and refuses it on the login page', async () => {
    const token = await requestToken();
    const authToken = await bindToken(token);
    assert.equal((await call(authTokenPath(fixture.client, token, authToken))).status, 200);
    assertWireError(await call(authTokenPath(fixture.client, token, authToken)), 'request token not found');
    assertPlainRefusal(await call(loginPath(fixture.client, token, CALLBACK)), 'invalid request token');
  });

  it('answers "request token not found" to another API key, and the token still works for its own', async () => {
    const token = await requestToken();
    const authToken = await bindToken(token);
    assertWireError(
      await call(authTokenPath(fixture.otherClient, token, authToken)),
      'request token not found',
    );
    assert.equal((await call(authTokenPath(fixture.client, token, authToken))).status, 200);
  });

  it('expires a token after 240 seconds, on the login page and at authtoken/', async () => {
    const token = await requestToken();
    const authToken = await bindToken(token);
    fixture.clock.offsetMs += 241_000;
    try {
      assertPlainRefusal(await call(loginPath(fixture.client, token, CALLBACK)), 'invalid request token');
      assertWireError(await call(authTokenPath(fixture.client, token, authToken)), 'request token not found');
    } finally {
      fixture.clock.offsetMs -= 241_000;
    }
  });
});

describe('login/ refuses bad requests with the original plain texts', () => {
  it('answers "parameter missing" without next, request_token or api_key', async () => {
    const token = await requestToken();
    const next = encodeURIComponent(CALLBACK);
    assertPlainRefusal(
      await call(`/sso/login/?api_key=${fixture.client.apiKey}&request_token=${token}`),
      'parameter missing',
    );
    assertPlainRefusal(
      await call(`/sso/login/?api_key=${fixture.client.apiKey}&next=${next}`),
      'parameter missing',
    );
    assertPlainRefusal(await call(`/sso/login/?request_token=${token}&next=${next}`), 'parameter missing');
  });

  it('answers "invalid request token" for an unknown token', async () => {
    assertPlainRefusal(await call(loginPath(fixture.client, '00000000', CALLBACK)), 'invalid request token');
  });

  it('answers "request deny for remote host" for another host, another port and an unknown key', async () => {
    const token = await requestToken();
    assertPlainRefusal(
      await call(loginPath(fixture.client, token, 'http://evil.example/myssoclient/auth/?redirect=/')),
      'request deny for remote host',
    );
    assertPlainRefusal(
      await call(loginPath(fixture.client, token, 'http://localhost:8001/myssoclient/auth/?redirect=/')),
      'request deny for remote host',
    );
    assertPlainRefusal(
      await call(loginPath({ ...fixture.client, apiKey: 'deadbeef' }, token, CALLBACK)),
      'request deny for remote host',
    );
  });

  it('refuses a token issued to another client as invalid', async () => {
    const token = await requestToken(fixture.otherClient);
    assertPlainRefusal(await call(loginPath(fixture.client, token, CALLBACK)), 'invalid request token');
  });

  it('accepts https on the registered host:port when the registration names no scheme, as the original', async () => {
    const token = await requestToken();
    const page = await call(loginPath(fixture.client, token, 'https://localhost:8000/myssoclient/auth/'));
    assert.equal(page.status, 200);
  });

  it('answers a wrong password with the form and a note, status 200, and leaves the token unbound', async () => {
    const token = await requestToken();
    const browser = new TestBrowser(fixture.url);
    const url = loginPath(fixture.client, token, CALLBACK);
    const form = await browser.get(url);
    const wrong = await browser.post(url, {
      csrf_token: TestBrowser.csrfField(form.body),
      username: 'user1',
      password: 'wrong',
    });
    assert.equal(wrong.status, 200);
    assert.match(wrong.body, /Please enter a correct username and password\./);
    assert.match(wrong.body, /value="user1"/);
    assertWireError(await call(authTokenPath(fixture.client, token, '0'.repeat(64))), 'request token error');
  });

  it('refuses a POST without the CSRF cookie and field with a 403 page', async () => {
    const token = await requestToken();
    const browser = new TestBrowser(fixture.url);
    const answer = await browser.post(loginPath(fixture.client, token, CALLBACK), {
      username: 'user1',
      password: '123',
    });
    assert.equal(answer.status, 403);
    assert.match(answer.body, /This form has expired/);
    const forged = await browser.post(loginPath(fixture.client, token, CALLBACK), {
      csrf_token: 'a'.repeat(64),
      username: 'user1',
      password: '123',
    });
    assert.equal(forged.status, 403);
  });

  it('keeps any request_token or auth_token already in next out of the callback', async () => {
    const token = await requestToken();
    const next = `${CALLBACK}&request_token=evil&auth_token=evil`;
    const browser = new TestBrowser(fixture.url);
    const form = await browser.get(loginPath(fixture.client, token, next));
    const posted = await browser.post(loginPath(fixture.client, token, next), {
      csrf_token: TestBrowser.csrfField(form.body),
      username: 'user1',
      password: '123',
    });
    const callback = new URL(posted.location ?? '');
    assert.deepEqual(callback.searchParams.getAll('request_token'), [token]);
    assert.equal(callback.searchParams.getAll('auth_token').length, 1);
  });
});
