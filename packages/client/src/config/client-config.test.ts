import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryKeyValueStore } from '@ssokit/stores';
import { resolveClientConfig } from './client-config.ts';

const valid = {
  providerUrl: 'https://sso.example.com',
  apiKey: 'f4a05287',
  secretKey: '6a4eeaea54d54f51af703e79c6096d51',
};
const noEnv = {};

function refusal(config: object, env: NodeJS.ProcessEnv = noEnv): string {
  try {
    resolveClientConfig(config, env);
  } catch (error) {
    assert.ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('accepted a bad configuration');
}

describe('resolveClientConfig()', () => {
  it('fills every default', () => {
    const resolved = resolveClientConfig(valid, noEnv);
    assert.equal(resolved.remotePrefix, '/sso/');
    assert.equal(resolved.callbackPath, '/myssoclient/auth/');
    assert.equal(resolved.defaultRedirect, '/');
    assert.deepEqual(resolved.allowedRedirectOrigins, []);
    assert.equal(resolved.timeoutMs, 5000);
    assert.equal(resolved.userStorage, 'database');
    assert.equal(resolved.database, 'sqlite:ssokit-client.sqlite');
    assert.equal(resolved.databaseTimeoutMs, 2000);
    assert.equal(resolved.sessionTtlSeconds, 1_209_600);
    assert.equal(resolved.userCacheTtlSeconds, 1_209_600);
    assert.equal(resolved.cookieName, 'ssokit_session');
    assert.equal(resolved.secureCookies, 'auto');
    assert.equal(resolved.signOutAtProvider, false);
  });

  it('reads the credentials and prefix from SSOKIT_* variables when the options are left out', () => {
    const resolved = resolveClientConfig(
      {},
      {
        SSOKIT_URL: 'http://127.0.0.1:9000/',
        SSOKIT_APIKEY: 'k',
        SSOKIT_SECKEY: 'x'.repeat(32),
        SSOKIT_PREFIX: '/auth/',
      },
    );
    assert.equal(resolved.providerUrl, 'http://127.0.0.1:9000');
    assert.equal(resolved.apiKey, 'k');
    assert.equal(resolved.remotePrefix, '/auth/');
  });

  it('prefers explicit options over the environment', () => {
    const resolved = resolveClientConfig(valid, { SSOKIT_URL: 'http://other.example', SSOKIT_PREFIX: '/x/' });
    assert.equal(resolved.providerUrl, 'https://sso.example.com');
    assert.equal(resolved.remotePrefix, '/x/');
  });

  it('names the option that is wrong', () => {
    assert.equal(
      refusal({ ...valid, providerUrl: 'sso.example.com' }),
      'client.providerUrl must be an absolute http(s) URL without query, fragment or credentials',
    );
    assert.match(refusal({ ...valid, providerUrl: 'ftp://sso.example.com' }), /^client\.providerUrl /);
    assert.match(
      refusal({ ...valid, providerUrl: 'https://user:pw@sso.example.com' }),
      /^client\.providerUrl /,
    );
    assert.equal(
      refusal({ secretKey: valid.secretKey, apiKey: 'k' }),
      'client.providerUrl is required (or set SSOKIT_URL)',
    );
    assert.match(refusal({ ...valid, apiKey: 'has space' }), /^client\.apiKey /);
    assert.equal(
      refusal({ ...valid, signOutAtProvider: 'yes' as unknown as boolean }),
      'client.signOutAtProvider must be true or false',
    );
    assert.match(refusal({ ...valid, databaseTimeoutMs: 0 }), /^client\.databaseTimeoutMs /);
    assert.match(
      refusal({ ...valid, remotePrefix: 'sso' }),
      /^client\.remotePrefix must start and end with "\/"/,
    );
    assert.match(refusal({ ...valid, callbackPath: '//evil/' }), /^client\.callbackPath /);
    assert.match(refusal({ ...valid, defaultRedirect: 'https://evil.example' }), /^client\.defaultRedirect /);
    assert.match(
      refusal({ ...valid, allowedRedirectOrigins: ['https://a.example/path'] }),
      /^client\.allowedRedirectOrigins\.0 /,
    );
    assert.match(refusal({ ...valid, timeoutMs: 0 }), /^client\.timeoutMs /);
    assert.match(
      refusal({ ...valid, userStorage: 'redis' }),
      /^client\.userStorage must be "database" or "cache"/,
    );
    assert.match(
      refusal({ ...valid, sessionStore: {} }),
      /^client\.sessionStore must be a KeyValueStore \(.*\), "memory", "database" or a URL/,
    );
    assert.match(
      refusal({ ...valid, sessionStore: 'redis' }),
      /^client\.sessionStore must be a KeyValueStore/,
    );
    assert.match(refusal({ ...valid, cookieName: 'a b' }), /^client\.cookieName /);
    assert.match(refusal({ ...valid, secureCookies: 'yes' }), /^client\.secureCookies /);
    assert.match(refusal({ ...valid, appUrl: 'https://app.example.com/base' }), /^client\.appUrl /);
  });

  it('refuses an unknown option by its name instead of ignoring a typo', () => {
    assert.equal(
      refusal({ ...valid, sesionTtlSeconds: 60 }),
      'client has unknown option(s) sesionTtlSeconds',
    );
    assert.equal(
      refusal({ ...valid, loginPath: '/login/', colour: 'red' }),
      'client has unknown option(s) loginPath, colour',
    );
  });

  it('normalises URLs and origins in the resolved configuration', () => {
    const resolved = resolveClientConfig(
      {
        ...valid,
        providerUrl: 'https://sso.example.com//',
        appUrl: 'https://app.example.com/',
        allowedRedirectOrigins: ['https://other.example.com/'],
      },
      noEnv,
    );
    assert.equal(resolved.providerUrl, 'https://sso.example.com');
    assert.equal(resolved.appUrl, 'https://app.example.com');
    assert.deepEqual(resolved.allowedRedirectOrigins, ['https://other.example.com']);
  });

  it('refuses a secret shorter than 16 characters unless allowShortSecret is set', () => {
    assert.match(
      refusal({ ...valid, secretKey: 'short' }),
      /^client\.secretKey must be at least 16 characters/,
    );
    assert.equal(
      resolveClientConfig({ ...valid, secretKey: 'short', allowShortSecret: true }, noEnv).secretKey,
      'short',
    );
  });

  it('accepts store instances, and "database" for sessions', () => {
    const store = memoryKeyValueStore();
    assert.equal(
      resolveClientConfig({ ...valid, sessionStore: store, cache: store }, noEnv).sessionStore,
      store,
    );
    assert.equal(resolveClientConfig({ ...valid, sessionStore: 'database' }, noEnv).sessionStore, 'database');
  });

  it('never puts the secret in an error message', () => {
    const message = refusal({ ...valid, secretKey: 'tiny-secret' });
    assert.doesNotMatch(message, /tiny-secret/);
  });

  it('reads the storage from SSOKIT_DATABASE, SSOKIT_SESSION_STORE and SSOKIT_USER_STORAGE', () => {
    const resolved = resolveClientConfig(valid, {
      SSOKIT_DATABASE: 'postgres://db.internal/app',
      SSOKIT_SESSION_STORE: 'redis://cache.internal:6379',
      SSOKIT_USER_STORAGE: 'cache',
    });
    assert.equal(resolved.database, 'postgres://db.internal/app');
    assert.equal(resolved.sessionStore, 'redis://cache.internal:6379');
    assert.equal(resolved.userStorage, 'cache');
    assert.equal(resolveClientConfig(valid, { SSOKIT_SESSION_STORE: 'database' }).sessionStore, 'database');
    assert.equal(resolveClientConfig(valid, { SSOKIT_SESSION_STORE: 'memory' }).sessionStore, undefined);
    for (const url of ['memcached://127.0.0.1:11211', 'postgres://db/app', 'mysql://root@db/app']) {
      assert.equal(resolveClientConfig(valid, { SSOKIT_SESSION_STORE: url }).sessionStore, url);
    }
    // Explicit options win over the environment.
    const explicit = resolveClientConfig(
      { ...valid, sessionStore: 'database', userStorage: 'database' },
      { SSOKIT_SESSION_STORE: 'redis://x', SSOKIT_USER_STORAGE: 'cache' },
    );
    assert.deepEqual([explicit.sessionStore, explicit.userStorage], ['database', 'database']);
  });

  it('refuses a session store it cannot open, and a bad read cache, naming the option', () => {
    assert.match(refusal(valid, { SSOKIT_SESSION_STORE: 'ftp://x' }), /^client\.sessionStore must be/);
    assert.match(refusal(valid, { SSOKIT_USER_STORAGE: 'disk' }), /^client\.userStorage must be/);
    assert.match(refusal({ ...valid, readCache: { maxEntries: 0 } }), /^client\.readCache/);
    assert.match(refusal({ ...valid, readCache: { ttl: 5 } }), /^client\.readCache/);
    assert.deepEqual(resolveClientConfig(valid, noEnv).readCache, {});
    assert.equal(resolveClientConfig({ ...valid, readCache: false }, noEnv).readCache, false);
  });
});
