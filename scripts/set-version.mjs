#!/usr/bin/env node
// Usage: npm run set-version -- X.Y.Z
// Every ssokit package is released with the same version: this sets it on each workspace
// package, on their dependencies on each other (exact versions, as npm publishes them) and in
// package-lock.json, so `npm ci` and `npm pack` agree. Then: add the release to CHANGELOG.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const version = process.argv[2] ?? '';
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  console.error('usage: npm run set-version -- X.Y.Z  (e.g. 0.2.0 or 1.0.0-rc.1)');
  process.exit(2);
}

const readJson = (file) => JSON.parse(readFileSync(join(root, file), 'utf8'));
const writeJson = (file, value) => writeFileSync(join(root, file), `${JSON.stringify(value, null, 2)}\n`);
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

const folders = readJson('package.json').workspaces;
const names = new Set(folders.map((folder) => readJson(join(folder, 'package.json')).name));

/** Sets the version of a package.json (or lockfile entry) and its ranges on the other packages. */
function update(manifest) {
  manifest.version = version;
  for (const field of DEPENDENCY_FIELDS) {
    for (const name of Object.keys(manifest[field] ?? {})) {
      if (names.has(name)) manifest[field][name] = version;
    }
  }
}

for (const folder of folders) {
  const file = join(folder, 'package.json');
  const manifest = readJson(file);
  update(manifest);
  writeJson(file, manifest);
}
const lock = readJson('package-lock.json');
for (const folder of folders) if (lock.packages[folder]) update(lock.packages[folder]);
writeJson('package-lock.json', lock);
console.log(`set ${[...names].join(', ')} to ${version}`);
