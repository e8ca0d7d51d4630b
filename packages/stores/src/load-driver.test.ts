import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadDriver } from './load-driver.ts';

describe('loadDriver', () => {
  // A folder of our own with a driver that is installed but whose own dependency is missing.
  const folder = mkdtempSync(join(tmpdir(), 'ssokit-load-driver-'));
  mkdirSync(join(folder, 'node_modules', 'broken-driver'), { recursive: true });
  writeFileSync(
    join(folder, 'node_modules', 'broken-driver', 'index.js'),
    "require('its-missing-dependency');",
  );
  const requireInFolder = createRequire(join(folder, 'app.js'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('loads an installed driver', () => {
    const pg = loadDriver<typeof import('pg')>('pg', 'database url postgres://db');
    assert.equal(typeof pg.Pool, 'function');
  });

  it('names the package and the command that installs it when the driver is not installed', () => {
    assert.throws(
      () => loadDriver('better-sqlite3', 'database url sqlite:ssokit.sqlite', requireInFolder),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.equal(
          error.message,
          'database url sqlite:ssokit.sqlite needs the "better-sqlite3" package, which is not installed; ' +
            'install better-sqlite3: npm install better-sqlite3',
        );
        assert.equal((error.cause as { code?: string }).code, 'MODULE_NOT_FOUND');
        return true;
      },
    );
  });

  it("keeps an installed driver's own error instead of asking to install it", () => {
    assert.throws(
      () => loadDriver('broken-driver', 'store url redis://cache', requireInFolder),
      (error: unknown) =>
        error instanceof Error &&
        !(error instanceof TypeError) &&
        /^Cannot find module 'its-missing-dependency'/.test(error.message),
    );
  });
});
