#!/usr/bin/env node
// Usage: npm run add-entry-point -- PACKAGE NAME   e.g. npm run add-entry-point -- ssokit fastify
// Adds `PACKAGE/NAME` to the package's `exports`, in the shape every entry point has: the
// source src/NAME/index.ts under the workspace's @ssokit/source condition, then the build.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const [packageName, name] = process.argv.slice(2);
if (packageName === undefined || name === undefined || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: npm run add-entry-point -- PACKAGE NAME  (e.g. ssokit fastify)');
  process.exit(2);
}
const readJson = (file) => JSON.parse(readFileSync(join(root, file), 'utf8'));
const folder = readJson('package.json').workspaces.find(
  (workspace) => readJson(join(workspace, 'package.json')).name === packageName,
);
if (folder === undefined) {
  console.error(`no workspace package is called ${packageName}`);
  process.exit(2);
}
const file = join(folder, 'package.json');
const manifest = readJson(file);
const subpath = `./${name}`;
if (manifest.exports[subpath] !== undefined) {
  console.error(`${packageName} already exports ${subpath}`);
  process.exit(1);
}
const entry = {
  '@ssokit/source': `./src/${name}/index.ts`,
  types: `./dist/${name}/index.d.ts`,
  import: `./dist/${name}/index.js`,
  default: `./dist/${name}/index.js`,
};
// Before ./package.json, which stays last.
const { './package.json': packageJson, ...entries } = manifest.exports;
manifest.exports = {
  ...entries,
  [subpath]: entry,
  ...(packageJson === undefined ? {} : { './package.json': packageJson }),
};
writeFileSync(join(root, file), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${packageName}/${name} -> ${folder}/src/${name}/index.ts`);
if (!existsSync(join(root, folder, 'src', name, 'index.ts'))) {
  console.log(`now write ${folder}/src/${name}/index.ts`);
}
