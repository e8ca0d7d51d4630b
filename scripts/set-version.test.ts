import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { workspaceRoot } from './pack-packages.ts';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('npm run set-version', () => {
  // A copy of the manifests and the lockfile: the script edits files where it lives.
  const copy = mkdtempSync(join(tmpdir(), 'ssokit-set-version-'));
  after(() => rmSync(copy, { recursive: true, force: true }));
  const workspaces: string[] = readJson(join(workspaceRoot, 'package.json')).workspaces;
  mkdirSync(join(copy, 'scripts'));
  cpSync(join(workspaceRoot, 'scripts', 'set-version.mjs'), join(copy, 'scripts', 'set-version.mjs'));
  for (const file of [
    'package.json',
    'package-lock.json',
    ...workspaces.map((w) => join(w, 'package.json')),
  ]) {
    cpSync(join(workspaceRoot, file), join(copy, file));
  }
  const setVersion = (version: string) =>
    execFileSync(process.execPath, [join(copy, 'scripts', 'set-version.mjs'), version], { stdio: 'pipe' });

  it('sets one version on every package, their ranges on each other, and the lockfile', () => {
    setVersion('1.2.3-rc.1');
    const names = new Set(workspaces.map((w) => readJson(join(copy, w, 'package.json')).name));
    const lock = readJson(join(copy, 'package-lock.json'));
    for (const workspace of workspaces) {
      for (const manifest of [readJson(join(copy, workspace, 'package.json')), lock.packages[workspace]]) {
        assert.equal(manifest.version, '1.2.3-rc.1', workspace);
        for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
          for (const [name, range] of Object.entries(manifest[field] ?? {})) {
            if (names.has(name)) assert.equal(range, '1.2.3-rc.1', `${workspace} ${field} ${name}`);
            else assert.notEqual(range, '1.2.3-rc.1', `${workspace} ${field} ${name}`);
          }
        }
      }
    }
  });

  it('gives back the files byte for byte when set to the version they had', () => {
    const version = readJson(join(workspaceRoot, workspaces[0] as string, 'package.json')).version;
    setVersion(version);
    for (const file of ['package-lock.json', ...workspaces.map((w) => join(w, 'package.json'))]) {
      assert.equal(
        readFileSync(join(copy, file), 'utf8'),
        readFileSync(join(workspaceRoot, file), 'utf8'),
        file,
      );
    }
  });

  it('refuses something that is not a version', () => {
    assert.throws(() => setVersion('v1'), /usage: npm run set-version -- X\.Y\.Z/);
  });
});
