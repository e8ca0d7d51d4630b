import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type KeyValueStore, keyValueStoreFromUrl } from '@ssokit/stores';
import pino from 'pino';
import { freePort } from '../../e2e/free-port.ts';
import { createExampleApp } from './app.ts';

describe('the example client app while its session store is down', () => {
  let store: KeyValueStore;
  let url: string;
  let stop: () => Promise<void>;

  before(async () => {
    // A Redis address nothing listens on: every session read is refused.
    store = keyValueStoreFromUrl(`redis://127.0.0.1:${await freePort()}`, { operationTimeoutMs: 300 });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const example = createExampleApp({
      boundOrigin: url,
      providerUrl: 'http://127.0.0.1:9',
      apiKey: 'f4a05287',
      secretKey: 's'.repeat(32),
      sessionStore: store,
      userStorage: 'cache',
      logger: pino({ level: 'silent' }),
    });
    const server = example.app.listen(port, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    stop = async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await example.close();
      await store.close();
    };
  });
  after(() => stop());

  it('tells a signed-in visitor that sign-in is temporarily unavailable, not that nobody is signed in', async () => {
    const home = await fetch(`${url}/`, {
      headers: { cookie: `ssokit_session=${'x'.repeat(43)}` },
    });
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
});
