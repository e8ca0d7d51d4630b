import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { openSqlDatabase } from '@ssokit/stores';
import {
  eventually,
  skipUnlessServiceRuns,
  type TcpProxy,
  tcpProxy,
  testServiceUrls,
  uniqueTestName,
} from '@ssokit/stores/testing';
import { sql } from 'kysely';
import { API_KEY, SECRET_KEY, transcriptUsers } from './fixtures.ts';
import { type OriginalDjSsoServer, startOriginalDjSsoServer } from './original-dj-sso-server.ts';
import { signIn, signInAtProvider, startTestApp, type TestApp } from './test-app.ts';
import { TestBrowser } from './test-browser.ts';

const DEADLINE_MS = 600;
// Generous: the point is "about the deadline", not the 40 s a frozen database used to cost.
const ANSWERS_WITHIN_MS = DEADLINE_MS + 1500;

const skip = await skipUnlessServiceRuns('postgres');

describe('a client whose users are in a PostgreSQL that freezes', { skip }, () => {
  const schema = uniqueTestName('client_stall');
  const admin = skip ? undefined : openSqlDatabase({ url: testServiceUrls.postgres });
  let proxy: TcpProxy;
  let provider: OriginalDjSsoServer;
  let app: TestApp;
  before(async () => {
    if (admin === undefined) return;
    await sql`create schema ${sql.id(schema)}`.execute(admin.db);
    const real = new URL(testServiceUrls.postgres);
    proxy = tcpProxy({ host: real.hostname, port: Number(real.port) || 5432 });
    await proxy.start();
    const behind = new URL(testServiceUrls.postgres);
    behind.hostname = '127.0.0.1';
    behind.port = String(proxy.port);
    behind.searchParams.set('options', `-c search_path=${schema}`);
    provider = await startOriginalDjSsoServer({
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      users: transcriptUsers(),
    });
    app = await startTestApp({
      providerUrl: provider.url,
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      database: behind.toString(),
      databaseTimeoutMs: DEADLINE_MS,
      userStorage: 'database',
    });
    provider.bindHost(app.host);
  });
  after(async () => {
    proxy?.thaw();
    await app?.close();
    await provider?.close();
    await proxy?.stop();
    if (admin !== undefined) {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db);
      await admin.close();
    }
  });

  it('answers the sign-in callback with 503 within the deadline while frozen, and signs in once it thaws', async () => {
    // A first sign-in creates the users table while the database answers.
    assert.equal((await signIn(new TestBrowser(), app, { username: 'user1', password: '123' })).status, 302);
    const browser = new TestBrowser();
    const { callback } = await signInAtProvider(browser, app, { username: 'user2', password: '456' });
    assert.ok(callback.location);
    proxy.freeze();
    try {
      const started = performance.now();
      const answer = await browser.request(callback.location);
      const elapsedMs = performance.now() - started;
      assert.equal(answer.status, 503, answer.body.slice(0, 200));
      assert.ok(elapsedMs < ANSWERS_WITHIN_MS, `answered after ${Math.round(elapsedMs)} ms`);
    } finally {
      proxy.thaw();
    }
    await eventually(
      async () => {
        const again = new TestBrowser();
        const done = await signIn(again, app, { username: 'user2', password: '456' });
        return done.status === 302 && (await again.request(`${app.url}/`)).body === 'hello user2';
      },
      15_000,
      'sign-in works again',
    );
  });
});
