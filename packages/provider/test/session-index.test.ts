import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { memoryKeyValueStore } from '@ssokit/stores';
import { skipUnlessServiceRuns, uniqueTestName } from '@ssokit/stores/testing';
import { createProvider, type Provider } from '../src/create-provider.ts';
import { silentLogger } from '../src/logging/provider-logger.ts';
import { endUserSessions } from '../src/sessions/end-user-sessions.ts';
import { type Dialect, temporaryDatabase } from './support/temporary-database.ts';

function sessionIndexSuite(dialect: Dialect, skip: string | false) {
  describe(`provider sessions listed per user on ${dialect}`, { skip }, () => {
    let provider: Provider;
    let drop: () => Promise<void>;
    before(async () => {
      const temporary = await temporaryDatabase(dialect);
      drop = temporary.drop;
      provider = createProvider({
        database: temporary.url,
        keyValueStore: memoryKeyValueStore(),
        keyPrefix: `${uniqueTestName('sessions')}:`,
        logger: silentLogger,
        passwordHashing: { memoryCost: 1024, timeCost: 1 },
      });
      await provider.migrate();
      await provider.migrate();
    });
    after(async () => {
      await provider?.keyValueStore.close();
      await provider?.close();
      await drop?.();
    });

    it('lists the sessions of a user, ends one by id, and endUserSessions ends the rest but the one kept', async () => {
      const alice = await provider.accounts.add({ username: 'alice', password: 'pw', isStaff: false });
      const bob = await provider.accounts.add({ username: 'bob', password: 'pw' });
      const tokens = await Promise.all(
        [1, 2, 3].map(() =>
          provider.sessions.create(alice, { address: '192.0.2.1', userAgent: 'x'.repeat(500) }),
        ),
      );
      const bobToken = await provider.sessions.create(bob);
      const listed = await provider.sessions.listForUser(alice.id);
      assert.equal(listed.length, 3);
      assert.equal(listed[0]?.userAgent.length, 200);
      assert.equal(listed[0]?.address, '192.0.2.1');
      const [first, second, third] = tokens.map((token) => provider.sessions.idOf(token) ?? '');
      assert.equal(
        await provider.sessions.endById(bob.id, first ?? ''),
        false,
        "bob cannot end alice's session",
      );
      assert.equal(await provider.sessions.endById(alice.id, first ?? ''), true);
      assert.equal(await provider.sessions.read(tokens[0]), undefined);
      assert.equal(
        await endUserSessions(provider, alice, { reason: 'admin-logout', except: third ?? '' }),
        1,
      );
      assert.equal(await provider.sessions.read(tokens[1]), undefined, second);
      assert.ok(await provider.sessions.read(tokens[2]));
      assert.ok(await provider.sessions.read(bobToken));
      assert.deepEqual(
        (await provider.sessions.listAll(10)).map((session) => session.userId).sort(),
        [alice.id, bob.id].sort(),
      );
      await provider.sessions.destroy(tokens[2]);
      assert.equal((await provider.sessions.listForUser(alice.id)).length, 0);
    });

    it('changes attributes of an account in one update and refuses bad values', async () => {
      const changed = await provider.accounts.update('bob', {
        email: 'bob@example.org',
        isStaff: true,
        firstName: 'Bob',
      });
      assert.equal(changed?.email, 'bob@example.org');
      assert.equal(changed?.isStaff, true);
      assert.equal(changed?.lastName, '');
      assert.equal((await provider.accounts.update('bob', { isStaff: false }))?.isStaff, false);
      assert.equal(await provider.accounts.update('nobody', { isStaff: true }), undefined);
      await assert.rejects(provider.accounts.update('bob', { email: 'no' }), TypeError);
      await assert.rejects(
        provider.accounts.update('bob', { firstName: 'x'.repeat(151) }),
        /firstName must be at most 150/,
      );
    });
  });
}

sessionIndexSuite('sqlite', false);
sessionIndexSuite('postgres', await skipUnlessServiceRuns('postgres'));
sessionIndexSuite('mysql', await skipUnlessServiceRuns('mysql'));

describe('endUserSessions()', () => {
  it("asks single logout to end the client apps' sessions for an administrator's end-all, and only then", async () => {
    const provider = createProvider({
      database: 'sqlite::memory:',
      logger: silentLogger,
      passwordHashing: { memoryCost: 1024, timeCost: 1 },
    });
    try {
      await provider.migrate();
      const calls: Array<[number, string | undefined]> = [];
      Object.assign(provider, {
        singleLogout: {
          endAccountSessions: async (userId: number, reason?: string) => calls.push([userId, reason]),
        },
      });
      const account = await provider.accounts.add({ username: 'zed', password: 'pw' });
      await provider.sessions.create(account);
      assert.equal(await endUserSessions(provider, account, { reason: 'password-changed' }), 1);
      assert.deepEqual(calls, []);
      await provider.sessions.create(account);
      assert.equal(await endUserSessions(provider, account, { reason: 'admin-logout' }), 1);
      assert.deepEqual(calls, [[account.id, 'admin-logout']]);
    } finally {
      await provider.close();
    }
  });
});
