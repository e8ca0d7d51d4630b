import { PASSWORD } from '../lib/cluster.ts';
import { runAroundFault } from '../lib/fault-run.ts';
import { postAll, prepareSignIn } from '../lib/provider-sign-in.ts';
import { goal, type Scenario } from '../lib/scenario.ts';
import type { StepResult } from '../lib/site-browser.ts';
import { countBy } from '../lib/tally.ts';

export const postgresRefuse: Scenario = {
  id: 'postgres-refuse',
  title: 'PostgreSQL refusing connections',
  accounts: (size) => size.faultConcurrency + 2,
  async run(cluster, size) {
    // One person keeps trying to sign in during the outage, more often than the account limit
    // allows; those attempts failed for the database, not the password, and must not count.
    const [tryer] = cluster.takeAccounts(1) as [string];
    const tries = cluster.rateLimit.perAccount + 1;
    const browser = cluster.newBrowser();
    const form = await prepareSignIn(browser, cluster.providerAt(0), tryer, PASSWORD);
    const during: StepResult[] = [];
    let trying: Promise<void> = Promise.resolve();
    const result = await runAroundFault(cluster, size, {
      what: `The PostgreSQL proxy closed (open connections cut, new ones refused) for ${size.faultSeconds} s, then listening again on the same port`,
      async begin() {
        await cluster.postgres.stop();
        trying = (async () => {
          for (let i = 0; i < tries; i++) during.push(...(await postAll([form])));
        })();
      },
      async end() {
        await trying;
        await cluster.postgres.start();
      },
    });
    const [after] = await postAll([await prepareSignIn(browser, cluster.providerAt(1), tryer, PASSWORD)]);
    const afterStep = after as StepResult;
    const statuses = during.map((s) => s.outcome).join(', ');
    result.cameBack.push(
      ...countBy(during, (s) => `${s.outcome}`).map(
        ([status, n]) => [`sign-ins of one person during the outage: ${status}`, n] as [string, number],
      ),
      [`that person's sign-in after the outage: ${afterStep.outcome}`, 1],
    );
    result.goals.push(
      goal(
        `sign-ins refused because the database was down do not count: after ${tries} of them the person signs in`,
        afterStep.outcome === 302,
        `during: ${statuses}; after: ${afterStep.outcome}${afterStep.retryAfter === undefined ? '' : ` (Retry-After ${afterStep.retryAfter} s)`}`,
      ),
    );
    return result;
  },
};
