// `npx tsx bench/login/count-logins-cli.ts [express,fetch,...]`: instructions per "continue as"
// login under callgrind, ssokit through each adapter named and the OIDC baseline, alone (the
// login section does the same with its other figures). Children start from a bundle.
import { bundleChildren } from '../lib/child-bundle.ts';
import { startChildrenFromBundle } from '../lib/child-process.ts';
import type { BenchFramework } from '../ssokit/ssokit-framework-apps.ts';
import { countFlowInstructions } from './count-flow-instructions.ts';
import { startOidcLoginSystem } from './oidc-login-system.ts';
import { startSsokitLoginSystem } from './ssokit-login-system.ts';

const frameworks = (process.argv[2] ?? 'express,fastify,hono,fetch').split(',') as BenchFramework[];
const bundle = await bundleChildren(new URL(`../results/children-${process.pid}`, import.meta.url).pathname);
process.on('exit', bundle.remove);
startChildrenFromBundle(bundle.entries);
// Long enough a warm-up for the code to be optimized (bench/login/count-flow-instructions.ts).
const options = { warmupLogins: 1000, logins: 100 };
const oidc = await countFlowInstructions((wrap) => startOidcLoginSystem({ wrap }), options);
console.log(JSON.stringify(oidc));
for (const framework of frameworks) {
  const ssokit = await countFlowInstructions((wrap) => startSsokitLoginSystem({ framework, wrap }), options);
  console.log(JSON.stringify({ ...ssokit, ratio: oidc.total / ssokit.total }));
}
