/**
 * `sessionStore: 'database'`: sessions and pending sign-ins in the SQL database of the users.
 * The shared sign-in cases run with sessions in a SQLite file, PostgreSQL and MariaDB, each in
 * a schema or database of this run; then what only a shared SQL store gives: a second app
 * process on the same database sees the sessions of the first.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_KEY_VALUE_TABLE, openSqlDatabase } from '@ssokit/stores';
import { skipUnlessServiceRuns, testServiceUrls, uniqueTestName } from '@ssokit/stores/testing';
import { sql } from 'kysely';
import { API_KEY, SECRET_KEY, transcriptUsers } from './fixtures.ts';
import { startOriginalDjSsoServer } from './original-dj-sso-server.ts';
import { describeSignInAgainst, type ProviderUnderTest } from './sign-in-cases.ts';
import { memoryLogger, signIn, startTestApp } from './test-app.ts';
import { TestBrowser } from './test-browser.ts';

const folder = mkdtempSync(join(tmpdir(), 'ssokit-client-sessions-'));
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
  rmSync(folder, { recursive: true, force: true });
});

async function startProvider(): Promise<ProviderUnderTest & { bindHost(host: string): void }> {
  const users = [
    ...transcriptUsers(),
    { id: 3, username: 'carol', password: '789', email: 'carol@example.com' },
  ];
  const provider = await startOriginalDjSsoServer({ apiKey: API_KEY, secretKey: SECRET_KEY, users });
  return {
    url: provider.url,
    registerClient: async (host) => provider.bindHost(host),
    bindHost: (host) => provider.bindHost(host),
    close: () => provider.close(),
  };
}

/** A PostgreSQL URL whose tables go to a schema of this run (dropped at the end). */
async function postgresSchemaUrl(): Promise<string> {
  const schema = uniqueTestName('client_sessions');
  const admin = openSqlDatabase({ url: testServiceUrls.postgres });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  cleanups.push(async () => {
    await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
    await admin.close();
  });
  const url = new URL(testServiceUrls.postgres);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.href;
}

/** A MariaDB database of this run (dropped at the end). */
async function mysqlDatabaseUrl(): Promise<string> {
  const name = uniqueTestName('client_sessions');
  const admin = openSqlDatabase({ url: testServiceUrls.mysql });
  await sql`create database ${sql.id(name)}`.execute(admin.db);
  cleanups.push(async () => {
    await sql`drop database ${sql.id(name)}`.execute(admin.db);
    await admin.close();
  });
  const url = new URL(testServiceUrls.mysql);
  url.pathname = `/${name}`;
  return url.href;
}

const postgresSkip = await skipUnlessServiceRuns('postgres');
const mysqlSkip = await skipUnlessServiceRuns('mysql');
const databases = [
  { name: 'a SQLite file', url: `sqlite:${join(folder, 'client.sqlite')}`, skip: false as const },
  { name: 'PostgreSQL', url: postgresSkip ? '' : await postgresSchemaUrl(), skip: postgresSkip },
  { name: 'MariaDB', url: mysqlSkip ? '' : await mysqlDatabaseUrl(), skip: mysqlSkip },
];

for (const { name, url, skip } of databases) {
  describeSignInAgainst(`the original dj-sso-server, sessions in ${name}`, startProvider, {
    app: { database: url, sessionStore: 'database' },
    skip,
  });
}

describe("sessionStore: 'database'", () => {
  it('lets a second app process on the same database read, and end, the sessions of the first', async () => {
    const url = `sqlite:${join(folder, 'two-processes.sqlite')}`;
    const provider = await startProvider();
    const config = { providerUrl: provider.url, apiKey: API_KEY, secretKey: SECRET_KEY };
    const first = await startTestApp({ ...config, database: url, sessionStore: 'database' });
    const second = await startTestApp({ ...config, database: url, sessionStore: 'database' });
    try {
      provider.bindHost(first.host);
      const browser = new TestBrowser();
      await signIn(browser, first, { username: 'user1', password: '123' });
      const copied = new TestBrowser();
      copied.setCookie('localhost', 'ssokit_session', browser.cookie('localhost', 'ssokit_session') ?? '');
      // Cookies ignore ports: the browser sends the session cookie to the second app too.
      assert.equal((await browser.request(`${second.url}/`)).body, 'hello user1');
      await browser.request(`${second.url}/accounts/logout/`, { method: 'POST' });
      assert.equal(
        (await copied.request(`${first.url}/`)).body,
        'anonymous',
        'the first app sees the logout',
      );
    } finally {
      await first.close();
      await second.close();
      await provider.close();
    }
  });

  it('keys each session by the SHA-256 of its cookie: the table never holds the cookie token', async () => {
    const url = `sqlite:${join(folder, 'hashed.sqlite')}`;
    const provider = await startProvider();
    const app = await startTestApp({
      providerUrl: provider.url,
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      database: url,
      sessionStore: 'database',
    });
    const database = openSqlDatabase({ url });
    try {
      provider.bindHost(app.host);
      const browser = new TestBrowser();
      await signIn(browser, app, { username: 'user2', password: '456' });
      const token = browser.cookie('localhost', 'ssokit_session') ?? '';
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      const rows = await sql<{ key: string; value: string }>`select ${sql.ref('key')}, value from ${sql.table(
        DEFAULT_KEY_VALUE_TABLE,
      )}`.execute(database.db);
      const keys = rows.rows.map((row) => row.key);
      assert.ok(
        keys.includes(`ssokit_session:${createHash('sha256').update(token).digest('hex')}`),
        keys.join(),
      );
      assert.ok(!JSON.stringify(rows.rows).includes(token), 'no key or value holds the cookie token');
    } finally {
      await database.close();
      await app.close();
      await provider.close();
    }
  });

  it('warns about per-process sessions for an in-memory SQLite database only', async () => {
    const provider = await startProvider();
    const config = { providerUrl: provider.url, apiKey: API_KEY, secretKey: SECRET_KEY };
    const perProcess = memoryLogger();
    const shared = memoryLogger();
    const inMemory = await startTestApp({
      ...config,
      database: 'sqlite::memory:',
      sessionStore: 'database',
      logger: perProcess,
    });
    const inFile = await startTestApp({
      ...config,
      database: `sqlite:${join(folder, 'warning.sqlite')}`,
      sessionStore: 'database',
      logger: shared,
    });
    try {
      const sessionWarnings = (logger: ReturnType<typeof memoryLogger>) =>
        logger.lines.filter((line) => line.level === 'warn' && /per-process store/.test(line.message ?? ''));
      assert.equal(sessionWarnings(perProcess).length, 1);
      assert.equal(sessionWarnings(shared).length, 0);
    } finally {
      await inMemory.close();
      await inFile.close();
      await provider.close();
    }
  });

  it('answers 503 while the database is unreachable, without its address or error on the page', async () => {
    const provider = await startProvider();
    // Nothing listens on port 1: every session read fails at once.
    const app = await startTestApp({
      providerUrl: provider.url,
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      database: 'postgres://app:db-password@127.0.0.1:1/sessions',
      sessionStore: 'database',
    });
    try {
      const browser = new TestBrowser();
      browser.setCookie('localhost', 'ssokit_session', 'A'.repeat(43));
      const page = await browser.request(`${app.url}/private`);
      const api = await browser.request(`${app.url}/api/data`, { accept: 'application/json' });
      assert.equal(page.status, 503);
      assert.equal(api.status, 503);
      assert.deepEqual(JSON.parse(api.body), {
        error: 'STORE_UNAVAILABLE',
        message: 'the session store is unavailable, please try again shortly',
      });
      for (const body of [page.body, api.body]) {
        assert.doesNotMatch(body, /127\.0\.0\.1|postgres|db-password|ECONNREFUSED/);
      }
      assert.equal(
        (await browser.request(`${app.url}/`)).body,
        'anonymous',
        'pages without the user still work',
      );
    } finally {
      await app.close();
      await provider.close();
    }
  });

  it('shares a database passed in with the users and leaves it open at close()', async () => {
    const provider = await startProvider();
    const database = openSqlDatabase({ url: 'sqlite::memory:' });
    const app = await startTestApp({
      providerUrl: provider.url,
      apiKey: API_KEY,
      secretKey: SECRET_KEY,
      database,
      sessionStore: 'database',
    });
    try {
      provider.bindHost(app.host);
      const browser = new TestBrowser();
      await signIn(browser, app, { username: 'carol', password: '789' });
      assert.equal((await browser.request(`${app.url}/`)).body, 'hello carol');
      await app.close();
      const sessions = await sql<{ rows: number }>`select count(*) as ${sql.ref('rows')} from ${sql.table(
        DEFAULT_KEY_VALUE_TABLE,
      )}`.execute(database.db);
      assert.ok(Number(sessions.rows[0]?.rows) >= 1, 'the session is in the same database as the users');
      const users = await sql<{ username: string }>`select username from ssokit_sso_users`.execute(
        database.db,
      );
      assert.deepEqual(
        users.rows.map((row) => row.username),
        ['carol'],
      );
    } finally {
      await database.close();
      await provider.close();
    }
  });
});
