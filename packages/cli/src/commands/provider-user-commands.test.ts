import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createProvider, silentLogger } from '@ssokit/provider';
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
});
