import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { TestBrowser } from './support/browser.ts';
import { CALLBACK, type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import { loginPath, requestTokenPath } from './support/python2-sso-client.ts';

let fixture: ProviderFixture;

/** Sends bytes exactly as given (fetch would normalise the URL). */
function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const url = new URL(fixture.url);
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          type: res.headers['content-type'],
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function loginUrl(): Promise<string> {
  const answer = await fetch(`${fixture.url}${requestTokenPath(fixture.client)}`);
  const { request_token } = (await answer.json()) as { request_token: string };
  return loginPath(fixture.client, request_token, CALLBACK);
}

function assertClientError(status: number, expected?: number): void {
  if (expected !== undefined) assert.equal(status, expected);
  assert.ok(status >= 400 && status < 500, `expected a 4xx, got ${status}`);
}

before(async () => {
  fixture = await startProviderFixture({
    rateLimit: { perAccount: 1000, perAccountAndAddress: 1000, perAddress: 1000 },
  });
});
after(async () => {
  // Nothing above may have been a server error.
  const failures = fixture.logs.filter((line) => line.event === 'http_error' && Number(line.status) >= 500);
  await fixture.close();
  assert.deepEqual(failures, []);
});

describe('bad input never becomes a 500', () => {
  it('refuses bad escapes and invalid UTF-8 in the login page query with 400', async () => {
    const url = await loginUrl();
    assertClientError((await rawRequest('GET', `${url}&x=%ZZ`)).status, 400);
    assertClientError((await rawRequest('GET', `${url}&x=%C3%28`)).status, 400);
    assertClientError((await rawRequest('GET', '/login/?next=%FF')).status, 400);
  });

  it('refuses a repeated login parameter with 400', async () => {
    const url = await loginUrl();
    assertClientError(
      (await rawRequest('GET', `${url}&next=${encodeURIComponent('http://evil.example/')}`)).status,
      400,
    );
  });

  it('refuses an oversized query with a 4xx', async () => {
    const url = await loginUrl();
    assertClientError((await rawRequest('GET', `${url}&pad=${'a'.repeat(9000)}`)).status, 400);
    assertClientError((await rawRequest('GET', `/sso/reqeusttoken/?pad=${'a'.repeat(9000)}`)).status, 400);
    assertClientError((await rawRequest('GET', `/?pad=${'a'.repeat(20000)}`)).status);
  });

  it('refuses a next with control characters instead of writing them into a header', async () => {
    const token = new URL(await loginUrl(), fixture.url).searchParams.get('request_token') ?? '';
    const next = 'http://localhost:8000/cb/%0d%0aSet-Cookie:%20x=1';
    const answer = await rawRequest(
      'GET',
      `/sso/login/?request_token=${token}&api_key=${fixture.client.apiKey}&next=${encodeURIComponent(next)}`,
    );
    assert.notEqual(answer.status, 302);
    assert.ok(answer.status < 500);
  });

  it('redirects to a next with non-ASCII characters with a percent-encoded Location', async () => {
    const token = new URL(await loginUrl(), fixture.url).searchParams.get('request_token') ?? '';
    const next = 'http://localhost:8000/myssoclient/auth/?redirect=/café/é';
    const url = loginPath(fixture.client, token, next);
    const browser = new TestBrowser(fixture.url);
    const form = await browser.get(url);
    const posted = await browser.post(url, {
      csrf_token: TestBrowser.csrfField(form.body),
      username: 'user1',
      password: '123',
    });
    assert.equal(posted.status, 302);
    assert.match(
      posted.location ?? '',
      /^http:\/\/localhost:8000\/myssoclient\/auth\/\?redirect=%2Fcaf%C3%A9%2F%C3%A9&request_token=/,
    );
  });

  it('refuses repeated, invalid and malformed signed-call parameters with 400', async () => {
    const path = requestTokenPath(fixture.client);
    assertClientError((await rawRequest('GET', `${path}&apikey=other`)).status, 400);
    assertClientError(
      (await rawRequest('GET', `/sso/reqeusttoken/?timestamp=%ZZ&apikey=k&signature=s`)).status,
      400,
    );
    assertClientError(
      (await rawRequest('GET', `/sso/authtoken/?request_token=%C3%28&timestamp=1&apikey=k&signature=s`))
        .status,
    );
    assertClientError(
      (
        await rawRequest(
          'GET',
          `/sso/reqeusttoken/?timestamp=soon&apikey=${fixture.client.apiKey}&signature=x`,
        )
      ).status,
    );
  });

  it('answers wrong methods with 405', async () => {
    const api = await rawRequest('POST', requestTokenPath(fixture.client));
    assert.equal(api.status, 405);
    assert.equal(api.body, '{"error": "method not allowed"}');
    assertClientError((await rawRequest('PUT', '/sso/authtoken/')).status, 405);
    assertClientError((await rawRequest('DELETE', await loginUrl())).status, 405);
    assertClientError((await rawRequest('PATCH', '/')).status, 405);
    assertClientError((await rawRequest('DELETE', '/logout/')).status, 405);
  });

  it('refuses a form body over the limit with 413', async () => {
    const url = await loginUrl();
    const body = Buffer.from(`username=user1&password=${'x'.repeat(20_000)}`);
    const answer = await rawRequest(
      'POST',
      url,
      { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    );
    assert.equal(answer.status, 413);
    assertClientError(
      (
        await rawRequest(
          'POST',
          '/login/',
          { 'content-type': 'application/x-www-form-urlencoded' },
          Buffer.alloc(2_000_000, 97),
        )
      ).status,
      413,
    );
  });

  it('refuses invalid UTF-8, bad escapes, repeated fields and other content types in forms', async () => {
    const url = await loginUrl();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    assertClientError(
      (await rawRequest('POST', url, form, Buffer.from([0x75, 0x3d, 0xc3, 0x28]))).status,
      400,
    );
    assertClientError((await rawRequest('POST', url, form, Buffer.from('username=%ZZ'))).status, 400);
    assertClientError(
      (await rawRequest('POST', url, form, Buffer.from('username=a&username=b'))).status,
      400,
    );
    assertClientError(
      (await rawRequest('POST', url, { 'content-type': 'application/json' }, Buffer.from('{}'))).status,
      415,
    );
    assertClientError(
      (await rawRequest('POST', '/login/', { 'content-type': 'text/plain' }, Buffer.from('x'))).status,
      415,
    );
    assertClientError((await rawRequest('POST', '/login/', form, Buffer.from('username=%00'))).status);
  });

  it('treats garbage cookies as no cookies', async () => {
    const answer = await rawRequest('GET', '/', {
      cookie: 'ssokit_provider_session=%%%; ssokit_provider_csrf="x',
    });
    assert.equal(answer.status, 200);
    assert.match(answer.body, /not logged in/);
  });

  it('answers an unknown path with a 404 page', async () => {
    const answer = await rawRequest('GET', '/nothing/here');
    assert.equal(answer.status, 404);
    assert.match(answer.type ?? '', /^text\/html/);
  });

  it('keeps answering after all of the above', async () => {
    assert.equal((await rawRequest('GET', '/')).status, 200);
    assert.equal((await fetch(`${fixture.url}${requestTokenPath(fixture.client)}`)).status, 200);
  });
});
