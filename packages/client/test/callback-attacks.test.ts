import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { API_KEY, SECRET_KEY, transcriptUsers } from './fixtures.ts';
import { type OriginalDjSsoServer, startOriginalDjSsoServer } from './original-dj-sso-server.ts';
import { FRAMEWORKS, signIn, signInAtProvider, startTestApp, type TestApp } from './test-app.ts';
import { TestBrowser } from './test-browser.ts';

/** A GET with a path sent byte for byte (fetch would normalise it). */
function rawGet(
  app: TestApp,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, headers: { host: app.host, ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

for (const framework of FRAMEWORKS) {
  describe(`the callback refuses what the original client let through (${framework})`, () => {
    let provider: OriginalDjSsoServer;
    let app: TestApp;

    before(async () => {
      provider = await startOriginalDjSsoServer({
        apiKey: API_KEY,
        secretKey: SECRET_KEY,
        users: transcriptUsers(),
      });
      app = await startTestApp(
        {
          providerUrl: provider.url,
          apiKey: API_KEY,
          secretKey: SECRET_KEY,
          database: 'sqlite::memory:',
        },
        framework,
      );
      provider.bindHost(app.host);
    });
    after(async () => {
      await app.close();
      await provider.close();
    });

    it('answers 400, never 500, to missing, repeated, invalid or oversized callback parameters', async () => {
      const paths = [
        '/myssoclient/auth/',
        '/myssoclient/auth/?redirect=%2F',
        '/myssoclient/auth/?request_token=deadbeef',
        '/myssoclient/auth/?request_token=a&request_token=b&auth_token=c',
        '/myssoclient/auth/?request_token=%FF%FE&auth_token=c',
        '/myssoclient/auth/?request_token=%E0%A4%A&auth_token=c',
        `/myssoclient/auth/?request_token=a&auth_token=c&x=${'y'.repeat(6000)}`,
      ];
      for (const path of paths) {
        const answer = await rawGet(app, path);
        assert.equal(answer.status, 400, path.slice(0, 80));
        assert.match(answer.body, /<h1>Bad sign-in request<\/h1>/);
      }
    });

    it('answers a JSON error to a caller that asks for JSON', async () => {
      const answer = await rawGet(app, '/myssoclient/auth/', { accept: 'application/json' });
      assert.equal(answer.status, 400);
      assert.equal(JSON.parse(answer.body).error, 'CALLBACK_PARAMETER_MISSING');
    });

    it('escapes everything it writes into an error page', async () => {
      const browser = new TestBrowser();
      const { callback } = await signInAtProvider(browser, app, { username: 'user1', password: '123' });
      const forged = new URL(callback.location ?? '');
      forged.searchParams.set('auth_token', '<script>alert(1)</script>');
      const answer = await browser.request(forged.href);
      assert.equal(answer.status, 403);
      assert.doesNotMatch(answer.body, /<script>/);
    });

    it('refuses the attacker’s callback to a victim whose login cookie the attacker planted', async () => {
      // The attacker picks a login-state value, plants it on the victim (a sibling subdomain, a
      // plain-http answer), and starts a sign-in of their own with that same value.
      const planted = 'P'.repeat(43);
      const attacker = new TestBrowser();
      attacker.setCookie('localhost', 'ssokit_session_login', planted);
      const { callback } = await signInAtProvider(attacker, app, { username: 'user2', password: '456' });
      assert.notEqual(attacker.cookie('localhost', 'ssokit_session_login'), planted, 'renewed at the start');
      const victim = new TestBrowser();
      victim.setCookie('localhost', 'ssokit_session_login', planted);
      const answer = await victim.request(callback.location ?? '');
      assert.equal(answer.status, 403);
      assert.match(answer.body, /not started in this browser/);
      assert.equal(victim.cookie('localhost', 'ssokit_session'), undefined, 'the victim is not signed in');
    });

    it('lets two sign-ins started in two tabs of one browser both finish, in either order', async () => {
      const browser = new TestBrowser();
      const first = await signInAtProvider(browser, app, { username: 'user1', password: '123' });
      const second = await signInAtProvider(browser, app, { username: 'user1', password: '123' });
      assert.equal((await browser.request(first.callback.location ?? '')).status, 302);
      assert.equal((await browser.request(second.callback.location ?? '')).status, 302);
    });

    it('answers 400 to a sign-in request without a valid Host header', async () => {
      const answer = await rawGet(app, '/accounts/login/', { host: 'evil.example/path' });
      assert.equal(answer.status, 400);
      // @hono/node-server (hono, fetch) refuses such a Host itself, before the app, with an empty 400.
      if (framework === 'express' || framework === 'fastify')
        assert.match(answer.body, /no valid Host header/);
    });
  });
}

for (const framework of FRAMEWORKS) {
  describe(`after sign-in the browser only goes to this app or an allowed origin (${framework})`, () => {
    let provider: OriginalDjSsoServer;
    let app: TestApp;

    before(async () => {
      provider = await startOriginalDjSsoServer({
        apiKey: API_KEY,
        secretKey: SECRET_KEY,
        users: transcriptUsers(),
      });
      app = await startTestApp(
        {
          providerUrl: provider.url,
          apiKey: API_KEY,
          secretKey: SECRET_KEY,
          database: 'sqlite::memory:',
          allowedRedirectOrigins: ['https://partner.example.com'],
        },
        framework,
      );
      provider.bindHost(app.host);
    });
    after(async () => {
      await app.close();
      await provider.close();
    });

    const attacks = [
      'http://evil.example/landing',
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      'http:evil.example',
      'https://evil.example',
      'javascript:alert(document.cookie)',
      '/%2F%2Fevil.example',
      '/%5Cevil.example',
      '/\u0000//evil.example',
      'https://partner.example.com.evil.example/',
    ];
    for (const next of attacks) {
      it(`sends ?next=${JSON.stringify(next)} to the default page instead`, async () => {
        const done = await signIn(new TestBrowser(), app, { username: 'user1', password: '123' }, next);
        assert.equal(done.status, 302);
        assert.equal(done.rawLocation, '/');
      });
    }

    it('follows ?next= to a path of this app and to an allowed origin', async () => {
      const local = await signIn(
        new TestBrowser(),
        app,
        { username: 'user1', password: '123' },
        '/reports?year=2026&q=a+b',
      );
      assert.equal(local.rawLocation, '/reports?year=2026&q=a+b');
      const partner = await signIn(
        new TestBrowser(),
        app,
        { username: 'user1', password: '123' },
        'https://partner.example.com/x',
      );
      assert.equal(partner.rawLocation, 'https://partner.example.com/x');
    });

    it('ignores a redirect changed in the callback URL: the target chosen at the start wins', async () => {
      const browser = new TestBrowser();
      const { callback } = await signInAtProvider(
        browser,
        app,
        { username: 'user1', password: '123' },
        '/start',
      );
      const tampered = new URL(callback.location ?? '');
      tampered.searchParams.set('redirect', 'https://evil.example/');
      assert.equal((await browser.request(tampered.href)).rawLocation, '/start');
    });
  });
}
