import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { type KeyValueStore, keyValueStoreFromUrl } from '@ssokit/stores';
import pino from 'pino';
import { freePort } from '../../e2e/free-port.ts';
import {
  EXAMPLE_FRAMEWORKS,
  parseFramework,
  type RunningExampleApp,
  startExampleApp,
} from './example-app.ts';

for (const framework of EXAMPLE_FRAMEWORKS) {
  describe(`the example client app (${framework}) while its session store is down`, () => {
    let store: KeyValueStore;
    let url: string;
    let example: RunningExampleApp;

    before(async () => {
      // A Redis address nothing listens on: every session read is refused.
      store = keyValueStoreFromUrl(`redis://127.0.0.1:${await freePort()}`, { operationTimeoutMs: 300 });
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      example = await startExampleApp({
        framework,
        port,
        host: '127.0.0.1',
        boundOrigin: url,
        providerUrl: 'http://127.0.0.1:9',
        apiKey: 'f4a05287',
        secretKey: 's'.repeat(32),
        sessionStore: store,
        userStorage: 'cache',
        logger: pino({ level: 'silent' }),
      });
    });
    after(async () => {
      await example.close();
      await store.close();
    });

    it('tells a signed-in visitor that sign-in is temporarily unavailable, not that nobody is signed in', async () => {
      const home = await fetch(`${url}/`, { headers: { cookie: `ssokit_session=${'x'.repeat(43)}` } });
      const body = await home.text();
      assert.equal(home.status, 503);
      assert.match(body, /Sign-in is temporarily unavailable/);
      assert.doesNotMatch(body, /not logged in/);
    });

    it('still shows the login link to a visitor without a session cookie', async () => {
      const home = await fetch(`${url}/`);
      assert.equal(home.status, 200);
      assert.match(await home.text(), /You are not logged in/);
    });

    it('asks visitors on another host to open the bound one (421)', async () => {
      const other = await fetch(url.replace('127.0.0.1', 'localhost'));
      assert.equal(other.status, 421);
      assert.match(await other.text(), /is bound to/);
    });
  });
}

describe('FRAMEWORK of npm run demo:client', () => {
  it('defaults to express and refuses an unknown name with the list', () => {
    assert.equal(parseFramework(undefined), 'express');
    assert.equal(parseFramework('hono'), 'hono');
    assert.throws(() => parseFramework('koa'), {
      message: 'FRAMEWORK must be one of express, fastify, hono, fetch (got "koa")',
    });
  });

  it('exits with the list when started with an unknown FRAMEWORK', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/client-app/main.ts'], {
      env: { ...process.env, FRAMEWORK: 'koa' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /FRAMEWORK must be one of express, fastify, hono, fetch/);
  });
});
