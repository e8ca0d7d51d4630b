import { loginFormFields } from '../../packages/provider/test/support/login-form.ts';
import { goal, type Scenario } from '../lib/scenario.ts';
import type { Backend, SiteBrowser, StepResult } from '../lib/site-browser.ts';
import { count500, countBy, describeStep, unanswered, unansweredNote } from '../lib/tally.ts';
import { inPool } from '../lib/worker-pool.ts';

/** Pairs started at once, so the two clients' signed calls often fall in the same instant. */
const PAIRS_AT_ONCE = 8;

/** A login start, then the provider's form for its request token. */
async function startAndOpenForm(
  browser: SiteBrowser,
  client: Backend,
  provider: Backend,
): Promise<StepResult[]> {
  const start = await browser.get(client, 'login start', new URL('/accounts/login/?next=%2F', 'http://x'));
  if (start.outcome !== 302 || start.location === undefined) return [start];
  const form = await browser.get(provider, 'provider form', start.location);
  return [start, form];
}

function verdict(steps: StepResult[]): string {
  const last = steps[steps.length - 1] as StepResult;
  if (steps.length === 2 && last.outcome === 200 && loginFormFields(last.body, 'x', 'x') !== undefined)
    return 'started (302, then the form)';
  return `failed: ${describeStep(last)}`;
}

/**
 * Two fresh browsers start a login at the two client apps at the same moment (one signed
 * `reqeusttoken/` call each, with the same API key), again and again; each start must give a
 * request token the provider's form accepts.
 */
export const simultaneousStarts: Scenario = {
  id: 'simultaneous-starts',
  title: 'Simultaneous login starts on the two client apps',
  accounts: () => 0,
  async run(cluster, size) {
    const [a, b] = cluster.clients;
    const pairs = await inPool(size.startPairs, PAIRS_AT_ONCE, async (i) => {
      const provider = cluster.providerAt(i);
      return Promise.all([
        startAndOpenForm(cluster.newBrowser(), a, provider),
        startAndOpenForm(cluster.newBrowser(), b, provider),
      ]);
    });
    const starts = pairs.flat();
    const steps = starts.flat().map((step) => ({ ...step, body: '' }));
    const failed = starts.filter((s) => verdict(s) !== 'started (302, then the form)').length;
    return {
      description:
        'Two fresh browsers start a login at client-a and client-b at the same moment (each start is a signed ' +
        '`reqeusttoken/` call with the same API key), then open the provider form of their request token.',
      tried: `${size.startPairs} pairs (${starts.length} login starts), ${PAIRS_AT_ONCE} pairs at once`,
      cameBack: countBy(starts, verdict),
      lost: `${failed} of ${starts.length} login starts failed`,
      goals: [
        goal(
          'every login start gives a working request token',
          failed === 0,
          `${starts.length - failed} of ${starts.length}`,
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
