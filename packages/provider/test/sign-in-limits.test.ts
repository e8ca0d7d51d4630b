import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { isSsoError } from '@ssokit/protocol';
import {
  type KeyValueStore,
  keyValueStoreFromUrl,
  memoryKeyValueStore,
  openSqlDatabase,
  type SqlDatabase,
} from '@ssokit/stores';
import { skipUnlessServiceRuns, testServiceUrls, uniqueTestName } from '@ssokit/stores/testing';
import { tcpProxy } from '../../stores/test/tcp-proxy.ts';
import type { ProviderOptions } from '../src/config/provider-options.ts';
import { createProvider, type Provider } from '../src/create-provider.ts';
import { silentLogger } from '../src/logging/provider-logger.ts';
import { checkSignIn, type SignInResult } from '../src/sign-in/check-sign-in.ts';
import { type TemporaryDatabase, temporaryDatabase } from './support/temporary-database.ts';

type Outcome = SignInResult['outcome'];

const signIn = (provider: Provider, username: string, password: string, address: string) =>
  checkSignIn(provider, { username, password, address, via: 'provider' });

/** How many attempts ended in each outcome. */
function tally(results: SignInResult[]): Partial<Record<Outcome, number>> {
  const counts: Partial<Record<Outcome, number>> = {};
  for (const { outcome } of results) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

// One throwaway database for the SQL stores of this file, dropped at the end.
let sqlDatabase: Promise<TemporaryDatabase> | undefined;
after(async () => {
  if (sqlDatabase !== undefined) await (await sqlDatabase).drop();
});

const storeKinds = {
  memory: async () => memoryKeyValueStore(),
  redis: async () =>
    keyValueStoreFromUrl(testServiceUrls.redis, { keyPrefix: `test:${randomBytes(6).toString('hex')}:` }),
  memcached: async () =>
    keyValueStoreFromUrl(`memcached://${testServiceUrls.memcached.replace(/^memcached:\/\//, '')}`, {
      keyPrefix: `test:${randomBytes(6).toString('hex')}:`,
    }),
  postgres: async () => {
    sqlDatabase ??= temporaryDatabase('postgres');
    // 200 parallel attempts queue about 1,400 statements on a pool of 10 connections, on a
    // machine other suites share: these tests are about atomicity, not the 2 s deadline.
    return keyValueStoreFromUrl((await sqlDatabase).url, {
      sql: { tableName: uniqueTestName('limits') },
      operationTimeoutMs: 15_000,
    });
  },
} as const;

function limitsSuite(kind: keyof typeof storeKinds, skip: string | false) {
  describe(`sign-in limits on a ${kind} store`, { skip }, () => {
    const opened: Array<{ provider: Provider; store: KeyValueStore }> = [];
    const provider = async (rateLimit: ProviderOptions['rateLimit'] = {}) => {
      const store = await storeKinds[kind]();
      const created = createProvider({
        database: 'sqlite::memory:',
        keyValueStore: store,
        logger: silentLogger,
        passwordHashing: { memoryCost: 1024, timeCost: 1 },
        rateLimit,
      });
      await created.migrate();
      await created.accounts.add({ username: 'owner', password: 'right-password' });
      await created.accounts.add({ username: 'other', password: 'other-password' });
      opened.push({ provider: created, store });
      return created;
    };
    after(async () => {
      for (const { provider, store } of opened) {
        await provider.close();
        await store.close();
      }
    });

    it('checks at most perAddress passwords of 200 parallel wrong sign-ins from one address, one account each', async () => {
      const p = await provider({ perAddress: 20, perAccount: 1000 });
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => signIn(p, `guess-${i}`, 'wrong', '198.51.100.7')),
      );
      assert.deepEqual(tally(results), { bad_credentials: 20, rate_limited: 180 });
      // The address stays refused, for a right password too.
      assert.equal((await signIn(p, 'owner', 'right-password', '198.51.100.7')).outcome, 'rate_limited');
    });

    it('checks at most perAccountAndAddress passwords of 100 parallel wrong guesses at one account', async () => {
      const p = await provider();
      const results = await Promise.all(
        Array.from({ length: 100 }, () => signIn(p, 'owner', 'wrong', '198.51.100.8')),
      );
      assert.deepEqual(tally(results), { bad_credentials: 5, rate_limited: 95 });
    });

    it('checks at most perAccount passwords of 100 parallel wrong guesses at one account from 100 addresses', async () => {
      const p = await provider({ perAccount: 30 });
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => signIn(p, 'owner', 'wrong', `192.0.2.${i + 1}`)),
      );
      assert.deepEqual(tally(results), { bad_credentials: 30, rate_limited: 70 });
    });

    it('signs one user in from 12 browsers at once: right passwords are never refused for the others in flight', async () => {
      const p = await provider({ perAccount: 5 });
      const results = await Promise.all(
        Array.from({ length: 12 }, () => signIn(p, 'owner', 'right-password', '198.51.100.9')),
      );
      assert.deepEqual(tally(results), { success: 12 });
      // And the successes left nothing behind: five guesses are still allowed there.
      const guesses = await Promise.all(
        Array.from({ length: 6 }, () => signIn(p, 'owner', 'wrong', '198.51.100.9')),
      );
      assert.deepEqual(tally(guesses), { bad_credentials: 5, rate_limited: 1 });
    });

    it('lets the owner in from another address after a stranger’s 5 wrong guesses, and refuses the stranger', async () => {
      const p = await provider();
      for (let i = 0; i < 5; i++) {
        assert.equal((await signIn(p, 'owner', 'wrong', '203.0.113.66')).outcome, 'bad_credentials');
      }
      assert.equal((await signIn(p, 'owner', 'right-password', '203.0.113.66')).outcome, 'rate_limited');
      assert.equal((await signIn(p, 'owner', 'right-password', '198.51.100.10')).outcome, 'success');
      // The stranger's address may still try other accounts, up to perAddress.
      assert.equal((await signIn(p, 'other', 'other-password', '203.0.113.66')).outcome, 'success');
    });

    it('keeps the owner’s known addresses open when guesses from many addresses exhaust perAccount', async () => {
      const p = await provider({ perAccount: 6, perAccountAndAddress: 3 });
      assert.equal((await signIn(p, 'owner', 'right-password', '198.51.100.11')).outcome, 'success');
      const guesses = await Promise.all(
        Array.from({ length: 9 }, (_, i) => signIn(p, 'owner', 'wrong', `192.0.2.${100 + (i % 3)}`)),
      );
      assert.deepEqual(tally(guesses), { bad_credentials: 6, rate_limited: 3 });
      // A new address is refused even with the right password: the cost of stopping a botnet.
      assert.equal((await signIn(p, 'owner', 'right-password', '198.51.100.12')).outcome, 'rate_limited');
      // Where the owner signed in before, the account is open.
      assert.equal((await signIn(p, 'owner', 'right-password', '198.51.100.11')).outcome, 'success');
    });

    it('counts every spelling of a username that names the same account in one bucket', async () => {
      const p = await provider();
      for (const variant of [
        ' owner',
        `owner${' '.repeat(7)}`,
        '\uff4f\uff57\uff4e\uff45\uff52',
        '\towner\n',
        'owner',
      ]) {
        assert.equal((await signIn(p, variant, 'wrong', '203.0.113.70')).outcome, 'bad_credentials', variant);
      }
      assert.equal((await signIn(p, 'owner', 'right-password', '203.0.113.70')).outcome, 'rate_limited');
      // Another case is another (absent) account, as in Django: it never signs in as owner.
      assert.equal((await signIn(p, 'OWNER', 'right-password', '198.51.100.14')).outcome, 'bad_credentials');
      assert.equal((await signIn(p, 'owner  ', 'right-password', '198.51.100.14')).outcome, 'success');
      assert.equal((await signIn(p, '   ', 'right-password', '198.51.100.14')).outcome, 'missing_fields');
    });

    it('forgives an address its own typos once it signs in with the right password', async () => {
      const p = await provider();
      for (let i = 0; i < 4; i++) await signIn(p, 'owner', 'typo', '198.51.100.13');
      assert.equal((await signIn(p, 'owner', 'right-password', '198.51.100.13')).outcome, 'success');
      const later = await Promise.all(
        Array.from({ length: 6 }, () => signIn(p, 'owner', 'typo', '198.51.100.13')),
      );
      assert.deepEqual(tally(later), { bad_credentials: 5, rate_limited: 1 });
    });
  });
}

limitsSuite('memory', false);
limitsSuite('redis', await skipUnlessServiceRuns('redis'));
limitsSuite('memcached', await skipUnlessServiceRuns('memcached'));
limitsSuite('postgres', await skipUnlessServiceRuns('postgres'));

describe('sign-ins while the accounts database is down', {
  skip: await skipUnlessServiceRuns('postgres'),
}, () => {
  let provider: Provider;
  let database: SqlDatabase;
  let drop: () => Promise<void>;
  // The database's circuit breaker opens during the outage; its cool-down runs on this clock
  // so that the test need not wait for it in real time.
  let clockMs = 0;
  const target = new URL(testServiceUrls.postgres);
  const proxy = tcpProxy({ host: target.hostname, port: Number(target.port) || 5432 });

  before(async () => {
    const temporary = await temporaryDatabase('postgres');
    drop = temporary.drop;
    await proxy.start();
    const url = new URL(temporary.url);
    url.port = String(proxy.port);
    database = openSqlDatabase({ url: url.toString(), circuitBreaker: { now: () => clockMs } });
    provider = createProvider({
      database,
      logger: silentLogger,
      passwordHashing: { memoryCost: 1024, timeCost: 1 },
    });
    await provider.migrate();
    await provider.accounts.add({ username: 'owner', password: 'right-password' });
  });
  after(async () => {
    await provider?.close();
    await database?.close();
    await proxy.stop();
    await drop?.();
  });

  it('does not count the attempts answered 503: the owner signs in as soon as it is back', async () => {
    await proxy.stop();
    const during = await Promise.all(
      Array.from({ length: 30 }, () =>
        signIn(provider, 'owner', 'right-password', '198.51.100.20').then(
          (result) => result.outcome,
          (error: unknown) => (isSsoError(error) ? error.status : error),
        ),
      ),
    );
    assert.deepEqual(new Set(during), new Set([503]));
    await proxy.start();
    clockMs += 60_000; // past the breaker's cool-down: the next query probes and finds it back
    assert.equal((await signIn(provider, 'owner', 'right-password', '198.51.100.20')).outcome, 'success');
    const guesses = await Promise.all(
      Array.from({ length: 6 }, () => signIn(provider, 'owner', 'wrong', '198.51.100.20')),
    );
    assert.deepEqual(tally(guesses), { bad_credentials: 5, rate_limited: 1 });
  });
});
