// Imports every entry point of every package, from their `exports`; prints the ones it loaded.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const loaded = [];
for (const name of ['ssokit', '@ssokit/protocol', '@ssokit/stores', '@ssokit/provider', '@ssokit/cli']) {
  for (const subpath of Object.keys(require(`${name}/package.json`).exports)) {
    if (subpath === './package.json') continue;
    const entryPoint = name + subpath.slice(1);
    const exported = await import(entryPoint);
    if (Object.keys(exported).length === 0) throw new Error(`${entryPoint} exports nothing`);
    loaded.push(entryPoint);
  }
}
console.log(JSON.stringify(loaded));
