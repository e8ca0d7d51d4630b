import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../main.ts';

describe('ssokit provider serve', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ssokit-provider-serve-'));
  const startFolder = process.cwd();
  const startLevel = process.env.SSOKIT_PROVIDER_LOG_LEVEL;
  before(() => {
    process.chdir(folder);
    process.env.SSOKIT_PROVIDER_LOG_LEVEL = 'silent';
  });
  after(() => {
    process.chdir(startFolder);
    if (startLevel === undefined) delete process.env.SSOKIT_PROVIDER_LOG_LEVEL;
    else process.env.SSOKIT_PROVIDER_LOG_LEVEL = startLevel;
    rmSync(folder, { recursive: true, force: true });
  });

  it('migrates a fresh database, prints its URL, serves, and stops cleanly on SIGTERM', async () => {
    const out: string[] = [];
    let announce: (url: string) => void = () => {};
    const announced = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const exit = main(['provider', 'serve', '--port', '0'], {
      out(line) {
        out.push(line);
        const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
        if (url) announce(url);
      },
      err: (line) => out.push(line),
    });
    const url = await announced;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(out.join('\n'), /database: sqlite:ssokit\.sqlite/);

    const home = await fetch(`${url}/`);
    assert.equal(home.status, 200);
    const unsigned = await fetch(`${url}/sso/reqeusttoken/`);
    assert.equal(await unsigned.text(), '{"error": "parameter missing"}');

    process.emit('SIGTERM', 'SIGTERM');
    assert.equal(await exit, 0);
    assert.match(out.join('\n'), /SIGTERM: stopping/);
    await assert.rejects(fetch(`${url}/`));
  });

  it('refuses a bad port with a usage error', async () => {
    const err: string[] = [];
    const code = await main(['provider', 'serve', '--port', 'http'], {
      out: () => {},
      err: (line) => err.push(line),
    });
    assert.equal(code, 2);
    assert.match(err.join('\n'), /--port must be a port number/);
  });
});
