import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createProvider, silentLogger } from '@ssokit/provider';
import { keyValueStoreFromUrl } from '@ssokit/stores';
import { skipUnlessServiceRuns, testServiceUrls } from '@ssokit/stores/testing';
import { main } from '../main.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

async function run(...argv: string[]) {
  const { io, out, err } = capture();
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const redisSkip = await skipUnlessServiceRuns('redis');

describe('ssokit provider user …', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ssokit-provider-cli-'));
  const startFolder = process.cwd();
  before(() => process.chdir(folder));
  after(() => {
    process.chdir(startFolder);
    rmSync(folder, { recursive: true, force: true });
  });

  it('adds a user to ssokit.sqlite in the current folder when given no --db', async () => {
    const added = await run(
      'provider',
      'user',
      'add',
      'user1',
      '--password',
      '123',
      '--email',
      'user1@example.com',
      '--first-name',
      'User',
      '--last-name',
      'One',
    );
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, /added user user1 \(id 1\)/);
    assert.ok(existsSync(join(folder, 'ssokit.sqlite')));
  });

  it('stores a password that verifies, and the names given', async () => {
    const provider = createProvider({ database: 'sqlite:ssokit.sqlite', logger: silentLogger });
    try {
      const account = await provider.accounts.verifyCredentials('user1', '123');
      assert.equal(account?.email, 'user1@example.com');
      assert.equal(account?.lastName, 'One');
    } finally {
      await provider.close();
    }
  });

  it('refuses a taken name and a missing password', async () => {
    const taken = await run('provider', 'user', 'add', 'user1', '--password', 'x');
    assert.equal(taken.code, 1);
    assert.match(taken.err, /taken/);
    const noPassword = await run('provider', 'user', 'add', 'user2');
    assert.equal(noPassword.code, 2);
    assert.match(noPassword.err, /--password is required/);
  });

  it('lists users in a table', async () => {
    await run('provider', 'user', 'add', 'user2', '--password', '456', '--staff');
    const listed = await run('provider', 'user', 'list');
    assert.equal(listed.code, 0);
    const lines = listed.out.split('\n');
    assert.match(lines[0] ?? '', /^ID\s+USERNAME\s+EMAIL\s+FLAGS\s+LAST LOGIN$/);
    assert.match(lines[1] ?? '', /^1\s+user1\s+user1@example.com\s+active\s+never$/);
    assert.match(lines[2] ?? '', /^2\s+user2\s+active,staff\s+never$/);
  });

  it('changes a password', async () => {
    const changed = await run('provider', 'user', 'passwd', 'user1', '--password', 'new-pass');
    assert.equal(changed.code, 0);
    const provider = createProvider({ database: 'sqlite:ssokit.sqlite', logger: silentLogger });
    try {
      assert.ok(await provider.accounts.verifyCredentials('user1', 'new-pass'));
    } finally {
      await provider.close();
    }
    assert.equal((await run('provider', 'user', 'passwd', 'ghost', '--password', 'x')).code, 1);
  });

  it('turns staff on and off, shown in the list, and refuses a bad setting or an unknown name', async () => {
    assert.equal((await run('provider', 'user', 'staff', 'user1', 'on')).code, 0);
    assert.match(
      (await run('provider', 'user', 'list')).out,
      /^1\s+user1\s+user1@example.com\s+active,staff\s/m,
    );
    const off = await run('provider', 'user', 'staff', 'user1', 'off');
    assert.match(off.out, /no longer staff/);
    assert.match((await run('provider', 'user', 'list')).out, /^1\s+user1\s+user1@example.com\s+active\s/m);
    assert.equal((await run('provider', 'user', 'staff', 'user1', 'maybe')).code, 2);
    assert.equal((await run('provider', 'user', 'staff', 'ghost', 'on')).code, 1);
  });

  it('removes a user, and says so when there is none', async () => {
    assert.equal((await run('provider', 'user', 'remove', 'user2')).code, 0);
    const again = await run('provider', 'user', 'remove', 'user2');
    assert.equal(again.code, 1);
    assert.match(again.err, /no user named user2/);
  });

  it('works on another database given with --db', async () => {
    const added = await run(
      'provider',
      'user',
      'add',
      'solo',
      '--password',
      'pw',
      '--db',
      'sqlite:other.sqlite',
    );
    assert.equal(added.code, 0);
    const listed = await run('provider', 'user', 'list', '--db', 'sqlite:other.sqlite');
    assert.match(listed.out, /solo/);
    assert.doesNotMatch(listed.out, /user1/);
  });
  it('deactivate, logout, passwd and remove queue logout notices for clients with a logout URL, none for others', async () => {
    const db = ['--db', 'sqlite:slo.sqlite'];
    assert.equal((await run('provider', 'user', 'add', 'carol', '--password', 'pw', ...db)).code, 0);
    const withUrl = await run(
      'provider',
      'client',
      'add',
      '--host',
      'app.example:8000',
      '--logout-url',
      'http://app.example:8000/myssoclient/logout/',
      ...db,
    );
    assert.equal(withUrl.code, 0, withUrl.err);
    assert.match(withUrl.out, /Logout: {3}http:\/\/app.example:8000\/myssoclient\/logout\//);
    const original = await run('provider', 'client', 'add', '--host', 'old.example', ...db);
    assert.equal(original.code, 0);
    const offHost = await run(
      'provider',
      'client',
      'add',
      '--host',
      'a.example',
      '--logout-url',
      'http://b.example/',
      ...db,
    );
    assert.equal(offHost.code, 1);
    const pending = async () => {
      const provider = createProvider({ database: 'sqlite:slo.sqlite', logger: silentLogger });
      try {
        return await provider.singleLogout.pendingNotices();
      } finally {
        await provider.close();
      }
    };
    const logout = await run('provider', 'user', 'logout', 'carol', ...db);
    assert.equal(logout.code, 0, logout.err);
    assert.match(logout.out, /queued for 1 client app/);
    assert.equal(await pending(), 1);
    assert.equal((await run('provider', 'user', 'deactivate', 'carol', ...db)).code, 0);
    assert.equal(await pending(), 2);
    assert.equal((await run('provider', 'user', 'activate', 'carol', ...db)).code, 0);
    assert.equal(await pending(), 2, 'activating ends nothing');
    assert.equal((await run('provider', 'user', 'passwd', 'carol', '--password', 'pw2', ...db)).code, 0);
    assert.equal((await run('provider', 'user', 'remove', 'carol', ...db)).code, 0);
    assert.equal(await pending(), 4);
    assert.equal((await run('provider', 'user', 'logout', 'carol', ...db)).code, 1);
    assert.equal((await run('provider', 'user', 'deactivate', 'ghost', ...db)).code, 1);
  });

  it("passwd, deactivate and remove end the user's sessions at the provider too (in SSOKIT_PROVIDER_REDIS)", {
    skip: redisSkip,
  }, async () => {
    const db = ['--db', 'sqlite:sessions.sqlite'];
    const keyValueStore = keyValueStoreFromUrl(testServiceUrls.redis, { keyPrefix: '' });
    const provider = createProvider({
      database: 'sqlite:sessions.sqlite',
      logger: silentLogger,
      keyValueStore,
    });
    const previous = process.env.SSOKIT_PROVIDER_REDIS;
    process.env.SSOKIT_PROVIDER_REDIS = testServiceUrls.redis;
    try {
      await provider.migrate();
      for (const name of ['dave', 'erin', 'fred', 'gina'])
        assert.equal((await run('provider', 'user', 'add', name, '--password', 'pw', ...db)).code, 0);
      const signIn = async (name: string) => {
        const account = await provider.accounts.findByUsername(name);
        assert.ok(account);
        return provider.sessions.create(account);
      };
      const live = async (token: string) => (await provider.sessions.read(token)) !== undefined;
      const [dave, erin, fred, gina] = await Promise.all(['dave', 'erin', 'fred', 'gina'].map(signIn));
      assert.ok(dave && erin && fred && gina && (await live(dave)));
      assert.equal((await run('provider', 'user', 'passwd', 'dave', '--password', 'pw2', ...db)).code, 0);
      assert.equal((await run('provider', 'user', 'deactivate', 'erin', ...db)).code, 0);
      assert.equal((await run('provider', 'user', 'remove', 'fred', ...db)).code, 0);
      assert.equal(await live(dave), false);
      assert.equal(await live(erin), false);
      assert.equal(await live(fred), false);
      assert.equal(await live(gina), true, "another user's session is untouched");
      assert.equal((await run('provider', 'user', 'activate', 'erin', ...db)).code, 0);
    } finally {
      if (previous === undefined) delete process.env.SSOKIT_PROVIDER_REDIS;
      else process.env.SSOKIT_PROVIDER_REDIS = previous;
      await provider.close();
      await keyValueStore.close();
    }
  });

  it('sets and clears a logout URL later', async () => {
    const db = ['--db', 'sqlite:slo2.sqlite'];
    const added = await run('provider', 'client', 'add', '--host', 'app.example', '--json', ...db);
    const { apikey } = JSON.parse(added.out) as { apikey: string };
    const set = await run('provider', 'client', 'logout-url', apikey, 'https://app.example/out/', ...db);
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /at https:\/\/app.example\/out\//);
    assert.equal(
      (await run('provider', 'client', 'logout-url', apikey, 'https://elsewhere.example/', ...db)).code,
      1,
    );
    assert.equal((await run('provider', 'client', 'logout-url', apikey, ...db)).code, 2);
    const cleared = await run('provider', 'client', 'logout-url', apikey, '--clear', ...db);
    assert.match(cleared.out, /no logout notices/);
    assert.equal((await run('provider', 'client', 'logout-url', 'nokey', '--clear', ...db)).code, 1);
  });
});
