import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { eventually, skipUnlessServiceRuns, type TcpProxy, tcpProxy } from '@ssokit/stores/testing';
import { ensureAccount } from '../src/seeding.ts';
import { TestBrowser } from './support/browser.ts';
import { type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import { type TemporaryDatabase, temporaryDatabase } from './support/temporary-database.ts';

const DEADLINE_MS = 600;
// Generous: the point is "about the deadline", not the 90 s a frozen database used to cost.
const ANSWERS_WITHIN_MS = DEADLINE_MS + 1500;

const skip = await skipUnlessServiceRuns('postgres');

describe('a provider whose accounts are in a PostgreSQL that freezes', { skip }, () => {
  let database: TemporaryDatabase;
  let proxy: TcpProxy;
  let fixture: ProviderFixture;
  before(async () => {
    database = await temporaryDatabase('postgres');
    const real = new URL(database.url);
    proxy = tcpProxy({ host: real.hostname, port: Number(real.port) || 5432 });
    await proxy.start();
    const behind = new URL(database.url);
    behind.hostname = '127.0.0.1';
    behind.port = String(proxy.port);
    fixture = await startProviderFixture({
      database: behind.toString(),
      databaseTimeoutMs: DEADLINE_MS,
      // This test is about the database; the limiter must not answer 429 first.
      rateLimit: { perAccount: 1000, perAddress: 1000, windowSeconds: 60 },
    });
    await ensureAccount(fixture.running.provider.accounts, { username: 'carol', password: 'carol-pass' });
  });
  after(async () => {
    proxy?.thaw();
    await fixture?.close();
    await proxy?.stop();
    await database?.drop();
  });

  const signIn = async (browser: TestBrowser, form: string, password = 'carol-pass') =>
    browser.post('/login/', { csrf_token: TestBrowser.csrfField(form), username: 'carol', password });

  it('answers a sign-in with 503 within the deadline while frozen, and signs in again once it thaws', async () => {
    const browsers = Array.from({ length: 10 }, () => new TestBrowser(fixture.url));
    const forms = await Promise.all(browsers.map(async (browser) => (await browser.get('/login/')).body));
    proxy.freeze();
    try {
      const answers = await Promise.all(
        browsers.map(async (browser, index) => {
          const started = performance.now();
          const answer = await signIn(browser, forms[index] ?? '');
          return { status: answer.status, body: answer.body, elapsedMs: performance.now() - started };
        }),
      );
      for (const answer of answers) {
        assert.equal(answer.status, 503, answer.body.slice(0, 200));
        assert.ok(answer.elapsedMs < ANSWERS_WITHIN_MS, `answered after ${Math.round(answer.elapsedMs)} ms`);
      }
    } finally {
      proxy.thaw();
    }
    const browser = new TestBrowser(fixture.url);
    await eventually(
      async () => (await signIn(browser, (await browser.get('/login/')).body)).status === 302,
      15_000,
      'sign-in works again',
    );
  });
});
