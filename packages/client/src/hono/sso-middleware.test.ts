import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Hono } from 'hono';
import { requireLogin, type SsoEnv, ssoClient } from './sso-middleware.ts';

const sso = ssoClient({
  providerUrl: 'http://provider.example',
  apiKey: 'k'.repeat(32),
  secretKey: 's'.repeat(32),
});
const app = new Hono<SsoEnv>();
app.use(sso);
app.get('/private', requireLogin(), (c) => c.text('private'));

/** An anonymous visit to `/private` whose web request asks for a page. */
const pageRequest = () =>
  new Request('http://app.example/private', { headers: { host: 'app.example', accept: 'text/html' } });

describe('the Hono middleware reads the headers Node parsed where it has them', () => {
  it("uses @hono/node-server's `incoming` headers, not the web request's", async () => {
    const env = { incoming: { headers: { host: 'app.example', accept: 'application/json' } } };
    const response = await app.fetch(pageRequest(), env);
    // An API call's answer: the Accept header came from `incoming`.
    assert.equal(response.status, 401);
    assert.equal((await response.json()).error, 'LOGIN_REQUIRED');
  });

  it("uses the web request's headers on other runtimes, and when Node's have no Host (HTTP/2)", async () => {
    for (const env of [undefined, {}, { incoming: { headers: { accept: 'application/json' } } }]) {
      const response = await app.fetch(pageRequest(), env);
      assert.equal(response.status, 302, JSON.stringify(env));
      assert.match(response.headers.get('location') ?? '', /^\/accounts\/login\/\?next=/);
    }
  });
});

after(() => sso.client.close());
