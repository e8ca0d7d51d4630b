import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { workspaceRoot } from './pack-packages.ts';

describe('npm run add-entry-point', () => {
  // A copy of the manifests: the script edits files where it lives.
  const copy = mkdtempSync(join(tmpdir(), 'ssokit-add-entry-point-'));
  after(() => rmSync(copy, { recursive: true, force: true }));
  const workspaces: string[] = JSON.parse(
    readFileSync(join(workspaceRoot, 'package.json'), 'utf8'),
  ).workspaces;
  mkdirSync(join(copy, 'scripts'));
  cpSync(join(workspaceRoot, 'scripts', 'add-entry-point.mjs'), join(copy, 'scripts', 'add-entry-point.mjs'));
  for (const file of ['package.json', ...workspaces.map((w) => join(w, 'package.json'))]) {
    cpSync(join(workspaceRoot, file), join(copy, file));
  }
  const addEntryPoint = (...args: string[]) =>
    execFileSync(process.execPath, [join(copy, 'scripts', 'add-entry-point.mjs'), ...args], {
      stdio: 'pipe',
    });
  const clientExports = () =>
    JSON.parse(readFileSync(join(copy, 'packages', 'client', 'package.json'), 'utf8')).exports;

  it('adds the entry point in the shape of the others, before ./package.json', () => {
    const before = Object.keys(clientExports());
    addEntryPoint('ssokit', 'koa');
    const exports = clientExports();
    assert.deepEqual(Object.keys(exports), [...before.slice(0, -1), './koa', './package.json']);
    assert.deepEqual(exports['./koa'], {
      '@ssokit/source': './src/koa/index.ts',
      types: './dist/koa/index.d.ts',
      import: './dist/koa/index.js',
      default: './dist/koa/index.js',
    });
    // Written as npm writes package.json: only the new lines differ.
    const original = readFileSync(join(workspaceRoot, 'packages', 'client', 'package.json'), 'utf8').split(
      '\n',
    );
    const written = readFileSync(join(copy, 'packages', 'client', 'package.json'), 'utf8').split('\n');
    assert.equal(written.length - original.length, 6);
  });

  it('refuses an entry point that exists, an unknown package and a bad name', () => {
    assert.throws(() => addEntryPoint('ssokit', 'express'), /ssokit already exports \.\/express/);
    assert.throws(() => addEntryPoint('ssokit-nope', 'x'), /no workspace package is called ssokit-nope/);
    assert.throws(() => addEntryPoint('ssokit', '../x'), /usage: npm run add-entry-point/);
  });
});
