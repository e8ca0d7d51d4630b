#!/usr/bin/env node
// Installed, `#main` is the built JavaScript (dist/) and runs with plain node. In the ssokit
// workspace, npm scripts and npx run node with --conditions=@ssokit/source (.npmrc): `#main` is
// then the TypeScript source, compiled on the fly by tsx (a dev dependency of the workspace).
const main = import.meta.resolve('#main');
if (main.endsWith('.ts')) (await import('tsx/esm/api')).register();
const { main: run } = await import(main);
process.exitCode = await run(process.argv.slice(2));
