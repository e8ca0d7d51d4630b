import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryKeyValueStore } from '@ssokit/stores';
import { ssoClient } from '../src/express/index.ts';

const credentials = {
  providerUrl: 'https://sso.example.com',
  apiKey: 'f4a05287',
  secretKey: '6a4eeaea54d54f51af703e79c6096d51',
  userStorage: 'cache' as const,
};

describe('the client schema under the Express adapter', () => {
  it('takes the adapter’s own options, which the adapter keeps from the core', async () => {
    const store = memoryKeyValueStore();
    const router = ssoClient({
      ...credentials,
      sessionStore: store,
      loginPath: '/signin/',
      logoutPath: '/signout/',
    });
    assert.equal(router.client.settings.providerUrl, 'https://sso.example.com');
    await router.client.close();
    await store.close();
  });

  it('refuses a misspelt core option by name', () => {
    const store = memoryKeyValueStore();
    const misspelt = { ...credentials, sessionStore: store, sesionTtlSeconds: 60 };
    assert.throws(() => ssoClient(misspelt), {
      name: 'TypeError',
      message: 'client has unknown option(s) sesionTtlSeconds',
    });
  });
});
