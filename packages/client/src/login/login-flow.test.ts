import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { computeSignature, SsoError } from '@ssokit/protocol';
import { createSsoClient } from '../create-sso-client.ts';

interface Exchange {
  request: { path: string };
  response: { location: string | null; body: string };
}
const transcript: Exchange[] = JSON.parse(
  readFileSync(new URL('../../../../fixtures/transcripts/01-fresh-login.json', import.meta.url), 'utf8'),
);
const [browserLogin, requestTokenCall, , , callback, authTokenCall] = transcript;
const SECRET = '6a4eeaea54d54f51af703e79c6096d51';

const silent = { info() {}, warn() {}, error() {} };

/** A client whose back channel answers with the transcript's bodies, recording each URL. */
function transcriptClient(appUrl = 'http://localhost:8000') {
  const calls: string[] = [];
  const fakeFetch = (async (url: string | URL | Request) => {
    const href = String(url);
    calls.push(href);
    const body = href.includes('/reqeusttoken/')
      ? requestTokenCall?.response.body
      : authTokenCall?.response.body;
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const client = createSsoClient(
    {
      providerUrl: 'http://127.0.0.1:9000',
      apiKey: '5f159b82',
      secretKey: SECRET,
      appUrl,
      userStorage: 'cache',
      logger: silent,
    },
    { fetch: fakeFetch },
  );
  return { client, calls };
}

/** Splits a signed URL and checks its signature the way the original server does. */
function assertSignedLike(sent: string, recordedPath: string): void {
  const url = new URL(sent);
  const signatureAt = url.search.indexOf('&signature=');
  const message = url.pathname + url.search.slice(0, signatureAt);
  const signature = url.search.slice(signatureAt + '&signature='.length);
  assert.equal(signature, computeSignature(SECRET, message), 'the signature is sent unescaped and verifies');
  const names = (query: string) => [...new URLSearchParams(query)].map(([name]) => name);
  assert.deepEqual(
    names(url.search),
    names(recordedPath.split('?')[1] ?? ''),
    'parameters in the recorded order',
  );
  const stable = (query: string) =>
    [...new URLSearchParams(query)].filter(([name]) => name !== 'timestamp' && name !== 'signature');
  assert.deepEqual(stable(url.search), stable(recordedPath.split('?')[1] ?? ''));
}

describe('beginLogin() and completeLogin() speak the original wire format (transcript 01)', () => {
  it('builds the provider login URL byte for byte as the original client did', async () => {
    const { client, calls } = transcriptClient();
    const started = await client.beginLogin({});
    assert.equal(started.location, browserLogin?.response.location);
    assert.equal(calls.length, 1);
    assertSignedLike(calls[0] ?? '', requestTokenCall?.request.path ?? '');
  });

  it('checks the tokens over the signed back channel and starts a session for the user', async () => {
    const { client, calls } = transcriptClient();
    const started = await client.beginLogin({ redirectTo: '/' });
    const loginStateCookie = /ssokit_session_login=([^;]+)/.exec(started.setCookies[0] ?? '')?.[1];
    const query = callback?.request.path.split('?')[1] ?? '';
    const done = await client.completeLogin({ query, loginStateCookie });
    assertSignedLike(calls[1] ?? '', authTokenCall?.request.path ?? '');
    assert.equal(done.redirectTo, '/');
    assert.equal(done.user.username, 'user1');
    assert.equal(done.user.email, 'user1@example.com');
    assert.match(
      done.setCookies[0] ?? '',
      /^ssokit_session=[A-Za-z0-9_-]{43}; Max-Age=1209600; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const cookieHeader = `ssokit_session=${done.sessionToken}`;
    assert.equal((await client.currentUser(cookieHeader))?.username, 'user1');
    assert.equal((await client.users.get(1))?.extras.email, 'user1@example.com');
    await client.close();
  });

  it('refuses a callback without this browser login state before calling the provider', async () => {
    const { client, calls } = transcriptClient();
    await client.beginLogin({});
    const query = callback?.request.path.split('?')[1] ?? '';
    await assert.rejects(
      client.completeLogin({ query, loginStateCookie: 'A'.repeat(43) }),
      (error: unknown) =>
        error instanceof SsoError && error.code === 'LOGIN_STATE_MISMATCH' && error.status === 403,
    );
    await assert.rejects(
      client.completeLogin({ query }),
      (error: unknown) => error instanceof SsoError && error.status === 403,
    );
    assert.equal(calls.length, 1, 'only the reqeusttoken/ call was made');
    await client.close();
  });

  it('marks cookies Secure when the app is served over https', async () => {
    const { client } = transcriptClient('https://app.example.com');
    const started = await client.beginLogin({});
    assert.match(started.setCookies[0] ?? '', /; Secure/);
    assert.match(
      started.location,
      /next=https%3A%2F%2Fapp\.example\.com%2Fmyssoclient%2Fauth%2F%3Fredirect%3D%2F$/,
    );
    await client.close();
  });

  it('escapes a redirect target inside the callback so its own query survives the provider', async () => {
    const { client } = transcriptClient();
    const started = await client.beginLogin({ redirectTo: '/search?q=a+b&page=2' });
    const next = new URL(started.location).searchParams.get('next') ?? '';
    assert.equal(new URL(next).searchParams.get('redirect'), '/search?q=a+b&page=2');
    await client.close();
  });
});
