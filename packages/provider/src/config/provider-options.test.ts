import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readProviderEnv } from './provider-env.ts';
import { type ProviderOptions, resolveProviderOptions } from './provider-options.ts';

describe('resolveProviderOptions()', () => {
  it('fills in the documented defaults', () => {
    const options = resolveProviderOptions();
    assert.equal(options.prefix, '/sso/');
    assert.equal(options.requestTokenTtlSeconds, 240);
    assert.equal(options.maxDriftSeconds, 300);
    assert.deepEqual(options.rateLimit, {
      perAddress: 20,
      perAccountAndAddress: 5,
      perAccount: 50,
      windowSeconds: 900,
      knownAddressSeconds: 2_592_000,
    });
    assert.equal(options.database, 'sqlite:ssokit.sqlite');
    assert.equal(options.formBodyLimitBytes, 16_384);
    assert.equal(options.secureCookies, 'auto');
    assert.equal(options.databaseTimeoutMs, 2000);
  });

  it('takes trustProxy as hops or proxy addresses and refuses one that does not parse', () => {
    assert.equal(resolveProviderOptions({ trustProxy: 2 }).trustProxy, 2);
    assert.deepEqual(resolveProviderOptions({ trustProxy: ['loopback', '10.0.0.0/8'] }).trustProxy, [
      'loopback',
      '10.0.0.0/8',
    ]);
    assert.equal(resolveProviderOptions({ trustProxy: '127.0.0.1, ::1' }).trustProxy, '127.0.0.1, ::1');
    assert.throws(
      () => resolveProviderOptions({ trustProxy: '10.0.0.0/8, proxy.internal' }),
      /^TypeError: provider\.trustProxy must be a hop count or proxy addresses\/subnets \(invalid IP address: proxy\.internal\)/,
    );
    assert.throws(() => resolveProviderOptions({ trustProxy: -1 }), /^TypeError: provider\.trustProxy /);
  });

  it('names the bad option in the error', () => {
    assert.throws(() => resolveProviderOptions({ prefix: 'sso' }), {
      name: 'TypeError',
      message: 'provider.prefix must start and end with "/"',
    });
    assert.throws(() => resolveProviderOptions({ prefix: '/' }), /provider\.prefix must not be "\/"/);
    assert.throws(
      () => resolveProviderOptions({ rateLimit: { perAccount: 0 } }),
      /^TypeError: provider\.rateLimit\.perAccount /,
    );
    assert.throws(
      () => resolveProviderOptions({ userToJson: 'x' } as unknown as ProviderOptions),
      /provider\.userToJson must be a function/,
    );
    assert.throws(
      () => resolveProviderOptions({ keyValueStore: {} } as unknown as ProviderOptions),
      /provider\.keyValueStore must be a KeyValueStore/,
    );
  });

  it('refuses unknown options instead of ignoring a typo', () => {
    assert.throws(
      () => resolveProviderOptions({ prefx: '/sso/' } as unknown as ProviderOptions),
      /provider has unknown option\(s\) prefx/,
    );
  });
});

describe('readProviderEnv()', () => {
  it('reads every SSOKIT_PROVIDER_ variable', () => {
    assert.deepEqual(
      readProviderEnv({
        SSOKIT_PROVIDER_PORT: '9001',
        SSOKIT_PROVIDER_HOST: '0.0.0.0',
        SSOKIT_PROVIDER_DB: 'postgres://db/sso',
        SSOKIT_PROVIDER_DB_TIMEOUT_MS: '1500',
        SSOKIT_PROVIDER_REDIS: 'redis://cache:6379',
        SSOKIT_PROVIDER_PREFIX: '/auth/',
        SSOKIT_PROVIDER_TRUST_PROXY: '1',
        SSOKIT_PROVIDER_LOG_LEVEL: 'warn',
      }),
      {
        port: 9001,
        host: '0.0.0.0',
        database: 'postgres://db/sso',
        databaseTimeoutMs: 1500,
        keyValueStoreUrl: 'redis://cache:6379',
        prefix: '/auth/',
        trustProxy: 1,
        logLevel: 'warn',
      },
    );
  });

  it('ignores empty variables and names a bad port', () => {
    assert.deepEqual(readProviderEnv({ SSOKIT_PROVIDER_DB: ' ' }), {});
    assert.throws(
      () => readProviderEnv({ SSOKIT_PROVIDER_PORT: 'abc' }),
      /SSOKIT_PROVIDER_PORT must be a port number/,
    );
    assert.throws(
      () => readProviderEnv({ SSOKIT_PROVIDER_DB_TIMEOUT_MS: '0' }),
      /SSOKIT_PROVIDER_DB_TIMEOUT_MS must be a positive number/,
    );
  });
});
