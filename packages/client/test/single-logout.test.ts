/**
 * Back-channel single logout end to end, over HTTP: the ssokit provider on SQLite, PostgreSQL
 * and MariaDB, a client app (Express adapter, with `client.handleLogoutNotice` mounted in front
 * at `/myssoclient/logout/`) keeping sessions in memory or Redis. Each trigger ends the client
 * sessions it must and no others; a client app that is down gets the notice once it is back;
 * two provider processes on one database deliver each notice once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  createProvider,
  ensureAccount,
  type Provider,
  type RunningProvider,
  serveProvider,
} from '@ssokit/provider';
import { type KeyValueStore, keyValueStoreFromUrl } from '@ssokit/stores';
import { skipUnlessServiceRuns, testServiceUrls, uniqueTestName } from '@ssokit/stores/testing';
import express from 'express';
import { pino } from 'pino';
import { type Dialect, temporaryDatabase } from '../../provider/test/support/temporary-database.ts';
import { type SsoRouter, ssoClient } from '../src/express/index.ts';
import {
  chooseOnContinuePage,
  memoryLogger,
  signIn,
  signInAtProviderSite,
  type TestApp,
} from './test-app.ts';
import { type BrowserResponse, TestBrowser } from './test-browser.ts';

const folder = mkdtempSync(join(tmpdir(), 'ssokit-slo-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const silent = () => pino({ level: 'info' }, new Writable({ write: (_chunk, _encoding, done) => done() }));
const USERS = ['ann', 'bob', 'dora', 'erin', 'finn', 'gus', 'hal'] as const;
const PASSWORD = 'pass-123';

interface ClientApp extends TestApp {
  /** Notice ids that reached the app, in order (answered or not). */
  received: string[];
  /** Stops listening (the app is down); `start` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listen(server: Server, port: number): Promise<number> {
  server.listen(port);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return (server.address() as AddressInfo).port;
}

async function startClientApp(
  providerUrl: string,
  apiKey: string,
  sessionStore: KeyValueStore,
): Promise<ClientApp> {
  const router: SsoRouter = ssoClient({
    providerUrl,
    apiKey,
    secretKey: `${apiKey}-secret-0123456789`,
    userStorage: 'cache',
    sessionStore,
    logger: memoryLogger(),
  });
  const app = express();
  app.use(router);
  app.get('/me', (req, res) => {
    res.json(req.user?.username ?? null);
  });
  const { client } = router;
  const received: string[] = [];
  const server = createServer(async (req, res) => {
    const target = req.url ?? '/';
    const queryStart = target.indexOf('?');
    const path = queryStart === -1 ? target : target.slice(0, queryStart);
    if (path !== client.settings.logoutNoticePath) {
      app(req, res);
      return;
    }
    const rawQuery = queryStart === -1 ? '' : target.slice(queryStart + 1);
    received.push(new URLSearchParams(rawQuery).get('notice') ?? '');
    const answer = await client.handleLogoutNotice({
      method: req.method ?? 'GET',
      path,
      rawQuery,
      headers: req.headers,
      body: await readBody(req),
    });
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
  let port = await listen(server, 0);
  return {
    url: `http://localhost:${port}`,
    host: `localhost:${port}`,
    client,
    received,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async start() {
      port = await listen(server, port);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.close();
    },
  };
}

/** Whom the app sees signed in with this browser's cookie. */
async function whoAmI(browser: TestBrowser, app: TestApp): Promise<string | null> {
  const answer = await browser.request(`${app.url}/me`, { accept: 'application/json' });
  return JSON.parse(answer.body) as string | null;
}

/** Signs in at the client with "continue as" the provider session this browser has. */
async function continueAtClient(browser: TestBrowser, app: TestApp): Promise<void> {
  const start = await browser.request(`${app.url}/accounts/login/`);
  const page = await browser.request(start.location as string);
  const callback: BrowserResponse = await chooseOnContinuePage(browser, page, 'continue');
  assert.equal(callback.status, 302, callback.body);
  await browser.request(callback.location as string);
}

async function logoutAtProvider(browser: TestBrowser, providerUrl: string): Promise<void> {
  const page = await browser.request(`${providerUrl}/logout/`);
  const csrf = /<input type="hidden" name="([^"]+)" value="([^"]*)"/.exec(page.body);
  assert.ok(csrf?.[1] !== undefined && csrf[2] !== undefined, 'logout form');
  const answer = await browser.request(`${providerUrl}/logout/`, { form: { [csrf[1]]: csrf[2] } });
  assert.equal(answer.status, 302);
}

const [postgresSkip, mysqlSkip, redisSkip] = await Promise.all([
  skipUnlessServiceRuns('postgres'),
  skipUnlessServiceRuns('mysql'),
  skipUnlessServiceRuns('redis'),
]);
const dialects: { name: string; dialect: Dialect; skip: string | false }[] = [
  { name: 'SQLite', dialect: 'sqlite', skip: false },
  { name: 'PostgreSQL', dialect: 'postgres', skip: postgresSkip },
  { name: 'MariaDB', dialect: 'mysql', skip: mysqlSkip },
];
const sessionStores: { name: string; skip: string | false; open(): KeyValueStore }[] = [
  { name: 'memory', skip: false, open: () => keyValueStoreFromUrl('memory:') },
  {
    name: 'Redis',
    skip: redisSkip,
    open: () => keyValueStoreFromUrl(testServiceUrls.redis, { keyPrefix: `${uniqueTestName('slo')}:` }),
  },
];

const only = process.env.SSOKIT_TEST_DIALECT;
for (const { name, dialect, skip } of dialects.filter((d) => only === undefined || d.dialect === only)) {
  describe(`single logout, provider on ${name}`, { skip }, () => {
    let databaseUrl: string;
    let dropDatabase = async () => {};
    let running: RunningProvider;
    let provider: Provider;
    const apps: ClientApp[] = [];
    /** Session stores handed to the apps: the client leaves stores it was given open. */
    const stores: KeyValueStore[] = [];
    const opened = (store: KeyValueStore): KeyValueStore => {
      stores.push(store);
      return store;
    };

    before(async () => {
      if (dialect === 'sqlite') {
        // A file: a second provider process opens the same database.
        databaseUrl = `sqlite:${join(folder, `${uniqueTestName('provider')}.sqlite`)}`;
      } else {
        const database = await temporaryDatabase(dialect);
        databaseUrl = database.url;
        dropDatabase = database.drop;
      }
      running = await serveProvider({
        port: 0,
        database: databaseUrl,
        passwordHashing: { memoryCost: 1024, timeCost: 1 },
        logger: silent(),
        logoutNotices: { firstRetryMs: 1, maxRetryMs: 1 },
      });
      provider = running.provider;
      // The test runs the sender's rounds itself, one at a time.
      await provider.logoutNotices.stop();
      for (const username of USERS) await ensureAccount(provider.accounts, { username, password: PASSWORD });
    });
    after(async () => {
      for (const app of apps) await app.close();
      for (const store of stores) await store.close();
      await running?.close();
      await dropDatabase();
    });

    /** A client app registered with its logout URL (or, `original`, without one). */
    const registeredApp = async (store: KeyValueStore, original = false): Promise<ClientApp> => {
      const apiKey = uniqueTestName('k').replaceAll('_', '').slice(0, 24);
      const app = await startClientApp(running.url, apiKey, store);
      apps.push(app);
      await provider.clientStore?.add({
        host: app.host,
        apiKey,
        secret: `${apiKey}-secret-0123456789`,
        ...(original ? {} : { logoutUrl: `${app.url}/myssoclient/logout/` }),
      });
      return app;
    };
    const user = (username: (typeof USERS)[number]) => ({ username, password: PASSWORD });

    for (const store of sessionStores) {
      describe(`client sessions in ${store.name}`, { skip: store.skip }, () => {
        it('signing out at the provider ends the client sessions of that provider session, no others', async () => {
          const app = await registeredApp(opened(store.open()));
          const viaProvider = new TestBrowser();
          await signInAtProviderSite(viaProvider, running.url, user('ann'));
          await continueAtClient(viaProvider, app);
          const sameUserElsewhere = new TestBrowser();
          await signIn(sameUserElsewhere, app, user('ann'));
          const otherUser = new TestBrowser();
          await signIn(otherUser, app, user('bob'));
          assert.equal(await whoAmI(viaProvider, app), 'ann');

          await logoutAtProvider(viaProvider, running.url);
          assert.deepEqual(await provider.logoutNotices.runOnce(), { sent: 1, failed: 0, gaveUp: 0 });
          assert.equal(await whoAmI(viaProvider, app), null);
          assert.equal(await whoAmI(sameUserElsewhere, app), 'ann');
          assert.equal(await whoAmI(otherUser, app), 'bob');
        });

        it('deactivating, a new password, removal and "user logout" end all of the account\'s sessions, no others', async () => {
          const app = await registeredApp(opened(store.open()));
          const triggers: [(typeof USERS)[number], () => Promise<unknown>][] = [
            ['dora', () => provider.accounts.setActive('dora', false)],
            ['erin', () => provider.accounts.setPassword('erin', 'another-pass')],
            [
              'finn',
              async () =>
                provider.singleLogout.endAccountSessions(
                  (await provider.accounts.findByUsername('finn'))?.id as number,
                ),
            ],
            ['gus', () => provider.accounts.remove('gus')],
          ];
          const bystander = new TestBrowser();
          await signIn(bystander, app, user('hal'));
          for (const [username, trigger] of triggers) {
            const browsers = [new TestBrowser(), new TestBrowser()];
            for (const browser of browsers) await signIn(browser, app, user(username));
            await trigger();
            const round = await provider.logoutNotices.runOnce();
            assert.ok(round.sent >= 1 && round.failed === 0, `${username}: ${JSON.stringify(round)}`);
            for (const browser of browsers) assert.equal(await whoAmI(browser, app), null, username);
            assert.equal(await whoAmI(bystander, app), 'hal', `${username}'s notice ended hal's session`);
          }
          // Put the accounts back for the next store's run.
          await provider.accounts.setActive('dora', true);
          await provider.accounts.setPassword('erin', PASSWORD);
          await ensureAccount(provider.accounts, user('gus'));
          await provider.logoutNotices.runOnce();
        });
      });
    }

    it('a client registered without a logout URL (an original client) signs in as before and gets no notice', async () => {
      const app = await registeredApp(keyValueStoreFromUrl('memory:'), true);
      const browser = new TestBrowser();
      await signInAtProviderSite(browser, running.url, user('ann'));
      await continueAtClient(browser, app);
      assert.equal(await whoAmI(browser, app), 'ann');
      await logoutAtProvider(browser, running.url);
      await provider.singleLogout.endAccountSessions(
        (await provider.accounts.findByUsername('ann'))?.id as number,
      );
      await provider.logoutNotices.runOnce();
      assert.deepEqual(app.received, []);
      assert.equal(await whoAmI(browser, app), 'ann');
    });

    it('a client app that is down gets the notice when it is back, also from a restarted provider', async () => {
      const app = await registeredApp(keyValueStoreFromUrl('memory:'));
      const browser = new TestBrowser();
      await signIn(browser, app, user('bob'));
      await app.stop();
      await provider.singleLogout.endAccountSessions(
        (await provider.accounts.findByUsername('bob'))?.id as number,
      );
      // The earlier apps (up) take theirs; this one is down.
      assert.equal((await provider.logoutNotices.runOnce()).failed, 1);
      assert.equal(await provider.singleLogout.pendingNotices(), 1);
      // Another provider process (a restart) on the same database finds it in the outbox.
      const restarted = createProvider({
        database: databaseUrl,
        logger: silent(),
        logoutNotices: { firstRetryMs: 1 },
      });
      try {
        await app.start();
        assert.equal(await whoAmI(browser, app), 'bob');
        assert.deepEqual(await restarted.logoutNotices.runOnce(), { sent: 1, failed: 0, gaveUp: 0 });
        assert.equal(app.received.length, 1);
      } finally {
        await restarted.close();
      }
      assert.equal(await whoAmI(browser, app), null);
      assert.equal(await provider.singleLogout.pendingNotices(), 0);
    });

    it('two provider processes on one database deliver each notice once', async () => {
      const app = await registeredApp(keyValueStoreFromUrl('memory:'));
      const ids = [];
      for (const username of USERS)
        ids.push((await provider.accounts.findByUsername(username))?.id as number);
      // 7 accounts x 4 = 28 notices to this app (and as many to the earlier apps, which answer too).
      for (let round = 0; round < 4; round++) {
        for (const id of ids) await provider.singleLogout.endAccountSessions(id);
      }
      const pending = await provider.singleLogout.pendingNotices();
      const lines: string[] = [];
      const debug = pino(
        { level: 'warn' },
        new Writable({
          write: (chunk, _encoding, done) => {
            lines.push(String(chunk));
            done();
          },
        }),
      );
      const second = createProvider({
        database: databaseUrl,
        logger: debug,
        logoutNotices: { batchSize: 7, firstRetryMs: 1, maxRetryMs: 1 },
      });
      const first = createProvider({
        database: databaseUrl,
        logger: silent(),
        logoutNotices: { batchSize: 7, firstRetryMs: 1, maxRetryMs: 1 },
      });
      try {
        let sent = 0;
        for (let turn = 0; turn < 60 && (await provider.singleLogout.pendingNotices()) > 0; turn++) {
          const rounds = await Promise.all([first.logoutNotices.runOnce(), second.logoutNotices.runOnce()]);
          for (const round of rounds) sent += round.sent;
        }
        assert.equal(sent, pending, lines.slice(0, 3).join('\n'));
      } finally {
        await first.close();
        await second.close();
      }
      assert.equal(app.received.length, 28);
      assert.equal(new Set(app.received).size, 28, 'a notice was delivered twice');
    });
  });
}
