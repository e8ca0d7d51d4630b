import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createProvider, silentLogger } from '@ssokit/provider';
import { main } from '../main.ts';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function registration(apiKey: string) {
  const provider = createProvider({ database: 'sqlite:ssokit.sqlite', logger: silentLogger });
  try {
    return await provider.clients.findApiKey(apiKey);
  } finally {
    await provider.close();
  }
}

describe('ssokit provider client …', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ssokit-provider-cli-'));
  const startFolder = process.cwd();
  before(() => process.chdir(folder));
  after(() => {
    process.chdir(startFolder);
    rmSync(folder, { recursive: true, force: true });
  });

  let apiKey = '';

  it('registers a client and prints its key, secret and host as JSON', async () => {
    const added = await run(
      'provider',
      'client',
      'add',
      '--host',
      'localhost:8000',
      '--note',
      'demo',
      '--json',
    );
    assert.equal(added.code, 0, added.err);
    assert.match(
      added.out,
      /^\{"apikey": "[0-9a-f]{16}", "seckey": "[0-9a-f]{64}", "host": "localhost:8000"\}$/,
    );
    const printed = JSON.parse(added.out) as { apikey: string; seckey: string };
    apiKey = printed.apikey;
    const stored = await registration(apiKey);
    assert.deepEqual(stored?.secrets, [printed.seckey]);
    assert.equal(stored?.host, 'localhost:8000');
    assert.deepEqual(stored?.allowedEndpoints, [
      '/sso/reqeusttoken/',
      '/sso/requesttoken/',
      '/sso/authtoken/',
    ]);
  });

  it('prints key and secret for people without --json, and honours --scheme and --prefix', async () => {
    const added = await run(
      'provider',
      'client',
      'add',
      '--host',
      'app.example',
      '--scheme',
      'https',
      '--prefix',
      '/auth/',
    );
    assert.equal(added.code, 0, added.err);
    assert.match(
      added.out,
      /API key: {2}[0-9a-f]{16}\nSecret: {3}[0-9a-f]{64}\nHost: {5}app\.example \(https only\)/,
    );
    const key = /API key: {2}([0-9a-f]{16})/.exec(added.out)?.[1] ?? '';
    const stored = await registration(key);
    assert.equal(stored?.scheme, 'https');
    assert.deepEqual(stored?.allowedEndpoints, [
      '/auth/reqeusttoken/',
      '/auth/requesttoken/',
      '/auth/authtoken/',
    ]);
  });

  it('registers the callback path of --callback-path, /myssoclient/auth/ without it', async () => {
    const custom = await run(
      'provider',
      'client',
      'add',
      '--host',
      'cb.example',
      '--callback-path',
      '/sso/callback/',
      '--json',
    );
    assert.equal(custom.code, 0, custom.err);
    assert.equal((await registration(JSON.parse(custom.out).apikey))?.callbackPath, '/sso/callback/');
    const plain = await run('provider', 'client', 'add', '--host', 'plain.example', '--json');
    assert.equal((await registration(JSON.parse(plain.out).apikey))?.callbackPath, undefined);
    const text = await run('provider', 'client', 'add', '--host', 'text.example');
    assert.match(text.out, /Callback: \/myssoclient\/auth\/ \(the original client's\)/);
    const listed = await run('provider', 'client', 'list');
    assert.match(listed.out, /CALLBACK/);
    assert.match(listed.out, /cb\.example +\S+ +\/sso\/callback\//);
    for (const bad of ['sso/callback/', '//evil.example/', '/cb?x=1', '/a b/']) {
      const refused = await run('provider', 'client', 'add', '--host', 'x.example', '--callback-path', bad);
      assert.equal(refused.code, 1, bad);
      assert.match(refused.err, /callbackPath must be a path/);
    }
  });

  it('refuses a bad host or scheme', async () => {
    assert.equal((await run('provider', 'client', 'add')).code, 2);
    assert.equal((await run('provider', 'client', 'add', '--host', 'x', '--scheme', 'ftp')).code, 2);
    const badHost = await run('provider', 'client', 'add', '--host', 'http://localhost:8000/');
    assert.equal(badHost.code, 1);
    assert.match(badHost.err, /host must be host\[:port\]/);
  });

  it('lists clients without their secrets', async () => {
    const listed = await run('provider', 'client', 'list');
    assert.equal(listed.code, 0);
    assert.match(listed.out, /^API KEY\s+HOST\s+SCHEME\s+CALLBACK\s+SECRETS\s+CREATED\s+NOTE/);
    assert.match(
      listed.out,
      new RegExp(`${apiKey}\\s+localhost:8000\\s+any\\s+/myssoclient/auth/\\s+1\\s+\\S+\\s+demo`),
    );
    assert.doesNotMatch(listed.out, /[0-9a-f]{64}/);
  });

  it('rotates a secret, keeps the old one until retired, then retires it', async () => {
    const before = (await registration(apiKey))?.secrets[0];
    const rotated = await run('provider', 'client', 'rotate-secret', apiKey);
    assert.equal(rotated.code, 0);
    const fresh = /New secret: ([0-9a-f]{64})/.exec(rotated.out)?.[1];
    assert.deepEqual((await registration(apiKey))?.secrets, [fresh, before]);
    assert.equal((await run('provider', 'client', 'retire-secrets', apiKey)).code, 0);
    assert.deepEqual((await registration(apiKey))?.secrets, [fresh]);
    const atOnce = await run('provider', 'client', 'rotate-secret', apiKey, '--retire-old');
    assert.equal((await registration(apiKey))?.secrets.length, 1);
    assert.match(atOnce.out, /Older secrets no longer work/);
    assert.equal((await run('provider', 'client', 'rotate-secret', 'unknown')).code, 1);
  });

  it('removes a client', async () => {
    assert.equal((await run('provider', 'client', 'remove', apiKey)).code, 0);
    assert.equal(await registration(apiKey), undefined);
    assert.equal((await run('provider', 'client', 'remove', apiKey)).code, 1);
  });
});
