import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pythonJsonDumps } from '@ssokit/protocol';
import { openSqlDatabase, runMigrations, type SqlDatabase } from '@ssokit/stores';
import { skipUnlessServiceRuns } from '@ssokit/stores/testing';
import type { Kysely } from 'kysely';
import { PROVIDER_MIGRATION_TABLE, providerMigrations } from '../src/accounts/account-schema.ts';
import { type AccountStore, sqlAccountStore } from '../src/accounts/account-store.ts';
import { argon2PasswordHasher } from '../src/accounts/password-hashing.ts';
import { defaultUserToJson } from '../src/accounts/user-json.ts';
import { type Dialect, temporaryDatabase } from './support/temporary-database.ts';

// Cheap argon2id parameters: these tests are about storage, not hashing cost.
const fastHasher = argon2PasswordHasher({ memoryCost: 1024, timeCost: 1 });

function accountStoreSuite(dialect: Dialect, skip: string | false) {
  describe(`sqlAccountStore() on ${dialect}`, { skip }, () => {
    let database: SqlDatabase<unknown>;
    let drop: () => Promise<void>;
    let accounts: AccountStore;

    before(async () => {
      const temporary = await temporaryDatabase(dialect);
      drop = temporary.drop;
      database = openSqlDatabase({ url: temporary.url });
      accounts = sqlAccountStore({
        database,
        passwordHasher: fastHasher,
        now: () => new Date('2026-11-29T14:19:10.871Z'),
      });
      await accounts.migrate();
      await accounts.migrate(); // a second run finds nothing to do
    });
    after(async () => {
      await database?.close();
      await drop?.();
    });

    it('adds an account with defaults and reads it back by name and by id', async () => {
      const added = await accounts.add({
        username: 'user1',
        password: '123',
        firstName: 'User',
        lastName: 'One',
        email: 'user1@example.com',
      });
      assert.equal(added.username, 'user1');
      assert.equal(added.isActive, true);
      assert.equal(added.isStaff, false);
      assert.equal(added.lastLogin, null);
      assert.deepEqual(await accounts.findById(added.id), added);
      assert.deepEqual(await accounts.findByUsername('user1'), added);
    });

    it('gives the user JSON of the original, byte for byte, for a fresh account', async () => {
      const account = await accounts.findByUsername('user1');
      assert.ok(account);
      assert.equal(
        pythonJsonDumps({ user: defaultUserToJson(account) }),
        `{"user": {"id": ${account.id}, "last_login": null, "is_superuser": false, "username": "user1", "first_name": "User", "last_name": "One", "email": "user1@example.com", "is_staff": false, "is_active": true, "date_joined": "2026-11-29T14:19:10.871Z", "groups": []}}`,
      );
    });

    it('accepts the right password and refuses a wrong one or an unknown user', async () => {
      assert.equal((await accounts.verifyCredentials('user1', '123'))?.username, 'user1');
      assert.equal(await accounts.verifyCredentials('user1', 'wrong'), undefined);
      assert.equal(await accounts.verifyCredentials('nobody', '123'), undefined);
    });

    it('stores an argon2id hash, never the password', async () => {
      const row = await (
        database.db as import('kysely').Kysely<{
          ssokit_provider_users: { password_hash: string; username: string };
        }>
      )
        .selectFrom('ssokit_provider_users')
        .select('password_hash')
        .where('username', '=', 'user1')
        .executeTakeFirstOrThrow();
      assert.match(row.password_hash, /^\$argon2id\$/);
    });

    it('refuses a taken username with a TypeError', async () => {
      await assert.rejects(accounts.add({ username: 'user1', password: 'x' }), /taken/);
    });

    it('refuses usernames Django would refuse', async () => {
      await assert.rejects(accounts.add({ username: 'has space', password: 'x' }), TypeError);
      await assert.rejects(accounts.add({ username: '', password: 'x' }), TypeError);
      await assert.rejects(accounts.add({ username: 'a'.repeat(151), password: 'x' }), TypeError);
    });

    it('changes a password', async () => {
      assert.equal(await accounts.setPassword('user1', 'new-password'), true);
      assert.equal(await accounts.verifyCredentials('user1', '123'), undefined);
      assert.ok(await accounts.verifyCredentials('user1', 'new-password'));
      assert.equal(await accounts.setPassword('nobody', 'x'), false);
    });

    it('records the last login', async () => {
      const account = await accounts.findByUsername('user1');
      assert.ok(account);
      await accounts.recordLogin(account.id, new Date('2026-12-01T08:00:00.000Z'));
      assert.equal(
        (await accounts.findById(account.id))?.lastLogin?.toISOString(),
        '2026-12-01T08:00:00.000Z',
      );
    });

    it('keeps flags, names with accents and groups', async () => {
      const added = await accounts.add({
        username: 'zoë',
        password: 'x',
        firstName: 'Zoë',
        isStaff: true,
        isSuperuser: true,
        groups: [1, 2],
      });
      assert.equal(added.firstName, 'Zoë');
      assert.equal(added.isStaff, true);
      assert.equal(added.isSuperuser, true);
      assert.deepEqual(added.groups, [1, 2]);
    });

    it('refuses an inactive account even with the right password', async () => {
      await accounts.add({ username: 'sleeper', password: 'pw', isActive: false });
      assert.equal(await accounts.verifyCredentials('sleeper', 'pw'), undefined);
    });

    it('compares usernames exactly: MBF1 is not mbf1, and a padded name matches nothing', async () => {
      const lower = await accounts.add({ username: 'mbf1', password: 'lower-password' });
      for (const variant of ['MBF1', `MBF1${' '.repeat(7)}`, 'mbf1 ', 'Mbf1']) {
        assert.equal(await accounts.verifyCredentials(variant, 'lower-password'), undefined, variant);
        assert.equal(await accounts.findByUsername(variant), undefined, variant);
        assert.equal(await accounts.setPassword(variant, 'changed'), false, variant);
      }
      // Two accounts, as Django's case-sensitive usernames allow.
      const upper = await accounts.add({ username: 'MBF1', password: 'upper-password' });
      assert.notEqual(upper.id, lower.id);
      assert.equal((await accounts.verifyCredentials('MBF1', 'upper-password'))?.id, upper.id);
      assert.equal((await accounts.verifyCredentials('mbf1', 'lower-password'))?.id, lower.id);
      assert.equal(await accounts.verifyCredentials('mbf1', 'upper-password'), undefined);
      assert.equal(await accounts.remove('mbf1 '), false);
      assert.equal(await accounts.remove('MBF1'), true);
      assert.equal(await accounts.remove('mbf1'), true);
    });

    it('stores a username in NFKC, as Django does', async () => {
      const added = await accounts.add({ username: '\ufb01sh', password: 'x' });
      assert.equal(added.username, 'fish');
      assert.equal(await accounts.remove('fish'), true);
    });

    it('lists accounts in id order and removes one', async () => {
      const names = (await accounts.list()).map((account) => account.username);
      assert.deepEqual(names, ['user1', 'zoë', 'sleeper']);
      assert.equal(await accounts.remove('sleeper'), true);
      assert.equal(await accounts.remove('sleeper'), false);
      assert.equal(await accounts.findByUsername('sleeper'), undefined);
    });
  });
}

function upgradeSuite(dialect: Dialect, skip: string | false) {
  describe(`an accounts table created by an earlier version on ${dialect}`, { skip }, () => {
    it('compares usernames exactly once migrated', async () => {
      const temporary = await temporaryDatabase(dialect);
      const database = openSqlDatabase({ url: temporary.url });
      try {
        const { '0001-users': first } = providerMigrations(database.dialect);
        assert.ok(first);
        await runMigrations(
          database.db as Kysely<unknown>,
          { '0001-users': first },
          PROVIDER_MIGRATION_TABLE,
        );
        const accounts = sqlAccountStore({ database, passwordHasher: fastHasher });
        await accounts.add({ username: 'mbf1', password: 'lower-password' });
        await accounts.migrate();
        assert.equal(await accounts.verifyCredentials('MBF1', 'lower-password'), undefined);
        assert.ok(await accounts.verifyCredentials('mbf1', 'lower-password'));
        assert.ok(await accounts.add({ username: 'MBF1', password: 'upper-password' }));
      } finally {
        await database.close();
        await temporary.drop();
      }
    });
  });
}

accountStoreSuite('sqlite', false);
accountStoreSuite('postgres', await skipUnlessServiceRuns('postgres'));
accountStoreSuite('mysql', await skipUnlessServiceRuns('mysql'));
upgradeSuite('sqlite', false);
upgradeSuite('postgres', await skipUnlessServiceRuns('postgres'));
upgradeSuite('mysql', await skipUnlessServiceRuns('mysql'));
