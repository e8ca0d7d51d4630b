import { PASSWORD } from '../lib/cluster.ts';
import { fullLogin, stillSignedIn } from '../lib/login-flow.ts';
import { goal, type Scenario } from '../lib/scenario.ts';
import {
  allSteps,
  count500,
  countBy,
  describeLogin,
  slowest,
  unanswered,
  unansweredNote,
} from '../lib/tally.ts';
import { inPool } from '../lib/worker-pool.ts';

/**
 * Full password logins, many at once, each step on another process: the login starts at one
 * client app, the provider's form comes from one provider and is posted to the other, the
 * callback lands on the other client app. Afterwards each session is checked at both clients.
 */
export const fullLogins: Scenario = {
  id: 'full-logins',
  title: 'Full logins, every step on another process',
  accounts: (size) => size.loginConcurrency,
  async run(cluster, size) {
    const accounts = cluster.takeAccounts(size.loginConcurrency);
    const done = await inPool(size.logins, size.loginConcurrency, async (_, worker) => {
      const browser = cluster.newBrowser();
      const account = accounts[worker] as string;
      return { browser, account, login: await fullLogin(browser, cluster.randomRoute(), account, PASSWORD) };
    });
    const logins = done.map((d) => d.login);
    const completed = done.filter((d) => d.login.ok);
    // Every session is read back at both client processes once all logins are over.
    const kept = await inPool(completed.length * 2, size.loginConcurrency, async (i) => {
      const { browser, account } = completed[i >> 1] as (typeof completed)[number];
      return (await stillSignedIn(browser, cluster.clientAt(i), account)).kept;
    });
    const lostSessions = kept.filter((k) => !k).length;
    const steps = allSteps(logins);
    const failed = logins.length - completed.length;
    return {
      description:
        'Password logins in fresh browsers, each step on another process: login start at one client app, ' +
        'the form from one provider, posted to the other provider, the callback at the other client app, ' +
        'the home page at the first. Each session is then read at both client apps.',
      tried: `${size.logins} logins, ${size.loginConcurrency} at once (${steps.length} requests)`,
      cameBack: countBy(logins, describeLogin),
      lost: `${failed} logins failed; ${lostSessions} of ${completed.length * 2} session reads did not show the user`,
      goals: [
        goal('every login completes', failed === 0, `${completed.length} of ${logins.length}`),
        goal('every session is seen by both client apps', lostSessions === 0, `${lostSessions} missing`),
        goal('no 500', count500(steps) === 0, `${count500(steps)}`),
        goal(
          'every request answered',
          unanswered(steps).length === 0,
          `${unanswered(steps).length} without answer`,
        ),
      ],
      notes: [`slowest step: ${Math.round(slowest(steps))} ms`, ...unansweredNote(steps)],
    };
  },
};
