import { startCluster } from './lib/cluster.ts';
import { QUICK } from './lib/scenario.ts';
import { fullLogins } from './scenarios/full-logins.ts';
import { closeBrowserConnections } from './lib/site-browser.ts';
const t = Date.now();
const cluster = await startCluster({ accounts: 100 });
console.log('started', Date.now() - t, cluster.rateLimit, cluster.logDir);
try {
  const r = await fullLogins.run(cluster, { ...QUICK, logins: 10, loginConcurrency: 5 });
  console.log(JSON.stringify(r, null, 1));
} finally {
  await cluster.stop();
  closeBrowserConnections();
}
