#!/usr/bin/env node
// Lists the test files itself: on Node 20, `node --test` with a folder or a glob finds none.
// Usage: npm test [-- name-filter ...]  (filters keep files whose path contains any of them)
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const skip = new Set(['node_modules', '.git', 'e2e/artifacts']);

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip.has(entry.name) || skip.has(relative(root, path))) continue;
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (/\.test\.ts$/.test(entry.name)) found.push(relative(root, path));
  }
  return found;
}

const filters = process.argv.slice(2);
const files = findTests(root)
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// The workspace runs its TypeScript sources: under this condition each package's `exports` name
// src/*.ts instead of the built dist/. In NODE_OPTIONS (as .npmrc does for npm scripts), so that
// the processes the tests start get it too.
const SOURCE_CONDITION = '--conditions=@ssokit/source';
const nodeOptions = process.env.NODE_OPTIONS ?? '';
const env = {
  ...process.env,
  NODE_OPTIONS: nodeOptions.includes(SOURCE_CONDITION)
    ? nodeOptions
    : `${nodeOptions} ${SOURCE_CONDITION}`.trim(),
};
// One file at a time: several suites share the same real PostgreSQL, Redis and ports.
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
