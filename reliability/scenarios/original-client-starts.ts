import { requestTokenPath } from '../../packages/provider/test/support/python2-sso-client.ts';
import { API_KEY, SECRET } from '../lib/cluster.ts';
import { goal, type Scenario } from '../lib/scenario.ts';
import type { StepResult } from '../lib/site-browser.ts';
import { count500, countBy, unanswered, unansweredNote } from '../lib/tally.ts';
import { inPool } from '../lib/worker-pool.ts';

/** Pairs sent at once. */
const PAIRS_AT_ONCE = 4;

function verdict(step: StepResult): string {
  if (step.outcome === 200 && step.body.includes('"request_token"')) return '200 request token';
  return `${step.outcome} ${step.body.slice(0, 60).replace(/\s+/g, ' ')}`.trim();
}

/**
 * Two users of an unmodified dj-sso-client (Python 2) click "login" in the same 10 ms: its
 * `str(time.time())` timestamps are equal, so the two `reqeusttoken/` calls are byte for byte
 * the same. The original server answers both; so must ssokit's providers (one call to each).
 */
export const originalClientStarts: Scenario = {
  id: 'original-client-starts',
  title: 'Identical signed calls from the original client',
  accounts: () => 0,
  async run(cluster, size) {
    const pairs = size.startPairs / 10;
    const answers = await inPool(pairs, PAIRS_AT_ONCE, async (i) => {
      const now = Date.now() + i * 20;
      const path = requestTokenPath({ apiKey: API_KEY, secret: SECRET, providerUrl: '', now: () => now });
      const url = new URL(path, 'http://x');
      return Promise.all(
        cluster.providers.map((provider) => cluster.newBrowser().get(provider, 'reqeusttoken', url)),
      );
    });
    const steps = answers.flat();
    const answered = steps.filter((s) => verdict(s) === '200 request token').length;
    return {
      description:
        'Pairs of `reqeusttoken/` calls signed as dj-sso-client on Python 2 signs them (timestamps in 10 ms ' +
        'steps), both of a pair in the same 10 ms and so identical, sent at once, one to each provider. The ' +
        'original dj-sso-server answers both; a refused one becomes a 500 in the original client.',
      tried: `${pairs} pairs (${steps.length} signed calls), ${PAIRS_AT_ONCE} pairs at once`,
      cameBack: countBy(steps, verdict),
      lost: `${steps.length - answered} of ${steps.length} logins could not start`,
      goals: [
        goal(
          'every identical signed call is answered with a request token',
          answered === steps.length,
          `${answered} of ${steps.length}`,
        ),
        goal('no 500', count500(steps) === 0, `${count500(steps)}`),
        goal(
          'every request answered',
          unanswered(steps).length === 0,
          `${unanswered(steps).length} without answer`,
        ),
      ],
      notes: unansweredNote(steps),
    };
  },
};
