import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { computeSignature, signRequest } from '@ssokit/protocol';
import { protocolVectors } from '../../../fixtures/protocol-vectors.ts';
import { API_KEY, SECRET_KEY, transcriptUsers } from './fixtures.ts';
import {
  type OriginalDjSsoServer,
  originalAuthToken,
  startOriginalDjSsoServer,
} from './original-dj-sso-server.ts';

const vectors = protocolVectors;

async function call(
  server: OriginalDjSsoServer,
  pathWithQuery: string,
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${server.url}${pathWithQuery}`);
  return { status: response.status, body: await response.text() };
}

/** A correctly signed reqeusttoken/ call whose signature contains "+", and its timestamp. */
function signedWithPlus(): { message: string; signature: string } {
  for (let ms = Date.now(); ; ms++) {
    const signed = signRequest({
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      path: '/sso/reqeusttoken/',
      timestamp: ms / 1000,
    });
    if (signed.signature.includes('+')) return signed;
  }
}

describe('the original dj-sso-server double answers as the recorded original (transcript 04)', () => {
  let server: OriginalDjSsoServer;
  before(async () => {
    server = await startOriginalDjSsoServer({
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      serverSecret: 'provider-secret',
      users: transcriptUsers(),
    });
  });
  after(() => server.close());

  it('refuses an unsigned call with 403 {"error": "parameter missing"}', async () => {
    assert.deepEqual(await call(server, '/sso/reqeusttoken/'), {
      status: 403,
      body: '{"error": "parameter missing"}',
    });
  });

  it('accepts a signature with "+" sent raw and refuses it percent-encoded, as the original did', async () => {
    const { message, signature } = signedWithPlus();
    const raw = await call(server, `${message}&signature=${signature}`);
    assert.equal(raw.status, 200);
    assert.match(raw.body, /^\{"request_token": "[0-9a-f]{8}"\}$/);
    const escaped = await call(server, `${message}&signature=${encodeURIComponent(signature)}`);
    assert.deepEqual(escaped, { status: 403, body: '{"error": "signature error"}' });
  });

  it('refuses a timestamp 1000 s off, an unknown key and a wrong secret with the original texts', async () => {
    const old = signRequest({
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      path: '/sso/reqeusttoken/',
      timestamp: Date.now() / 1000 - 1000,
    });
    assert.equal((await call(server, old.pathWithQuery)).body, '{"error": "time drift > 300 sec"}');
    const unknown = signRequest({ apiKey: 'deadbeef', secretKey: SECRET_KEY, path: '/sso/reqeusttoken/' });
    assert.equal(
      (await call(server, unknown.pathWithQuery)).body,
      '{"error": "entry point not allowed for the API key"}',
    );
    const wrong = signRequest({ apiKey: API_KEY, secretKey: 'not-the-secret', path: '/sso/reqeusttoken/' });
    assert.equal((await call(server, wrong.pathWithQuery)).body, '{"error": "signature error"}');
  });

  it('gives "request token error" for an unbound token and derives auth tokens as the auth_tokens vector', async () => {
    const issued = signRequest({ apiKey: API_KEY, secretKey: SECRET_KEY, path: '/sso/reqeusttoken/' });
    const token = JSON.parse((await call(server, issued.pathWithQuery)).body).request_token as string;
    const authToken = originalAuthToken('provider-secret', token);
    const check = signRequest({
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      path: '/sso/authtoken/',
      params: [
        ['request_token', token],
        ['auth_token', authToken],
      ],
    });
    assert.equal((await call(server, check.pathWithQuery)).body, '{"error": "request token error"}');
    const vector = vectors.auth_tokens[0];
    assert.ok(vector, 'the fixtures hold an auth-token vector');
    assert.equal(originalAuthToken(vector.secret, vector.request_token), vector.auth_token);
  });

  it('accepts what signRequest() makes of blank parameters, and refuses a signature that covers one', async () => {
    // The original drops blank values before it recomputes: `e=&f=1` is signed as `f=1`.
    for (const input of [
      { path: '/sso/reqeusttoken/?e=&f=1' },
      { path: '/sso/reqeusttoken/?e', params: [['g', ''] as const, ['h', ' '] as const] },
    ]) {
      const signed = signRequest({ apiKey: API_KEY, secretKey: SECRET_KEY, ...input });
      const answer = await call(server, signed.pathWithQuery);
      assert.equal(answer.status, 200, `${input.path}: ${answer.body}`);
    }
    const message = `/sso/reqeusttoken/?e=&timestamp=${Date.now() / 1000}&apikey=${API_KEY}`;
    const coveringBlank = `${message}&signature=${computeSignature(SECRET_KEY, message)}`;
    assert.equal((await call(server, coveringBlank)).body, '{"error": "signature error"}');
  });

  it('accepts the timestamps of signRequest(): microseconds and digits of the process', async () => {
    const signed = signRequest({ apiKey: API_KEY, secretKey: SECRET_KEY, path: '/sso/reqeusttoken/' });
    assert.match(signed.message, /timestamp=\d{10}\.\d{18}&/);
    assert.equal((await call(server, signed.pathWithQuery)).status, 200);
  });

  it('answers the login page errors as plain text with 403', async () => {
    const page = await fetch(`${server.url}/sso/login/?api_key=${API_KEY}&request_token=00000000&next=x`);
    assert.equal(page.status, 403);
    assert.equal(await page.text(), 'invalid request token');
    const missing = await fetch(`${server.url}/sso/login/?api_key=${API_KEY}`);
    assert.equal(await missing.text(), 'parameter missing');
  });
});
