import { PASSWORD } from '../lib/cluster.ts';
import { postAll, prepareSignIn as prepare } from '../lib/provider-sign-in.ts';
import { goal, type Scenario } from '../lib/scenario.ts';
import type { StepResult } from '../lib/site-browser.ts';
import { count500, countBy, unanswered, unansweredNote } from '../lib/tally.ts';
import { inPool } from '../lib/worker-pool.ts';

/** Browsers of the same person signing in at once with the right password. */
const OWN_BROWSERS = 6;
/** The longest the real owner may be kept out after a stranger's guesses. */
const OWNER_WAIT_LIMIT_SECONDS = 60;

const WRONG = 'not-the-password-0123456789';

/** What the provider did with a sign-in: checked the password (wrong), refused before, signed in. */
function verdict(step: StepResult): string {
  if (step.outcome === 200 && step.body.includes('Please enter a correct username and password'))
    return 'password checked: wrong';
  if (step.outcome === 429) return 'refused before the hash: 429';
  if (step.outcome === 302) return 'signed in: 302';
  return `other: ${step.outcome}`;
}

const checked = (steps: StepResult[]) => steps.filter((s) => verdict(s) === 'password checked: wrong').length;

/**
 * Parallel password guessing from one address, against many accounts and against one; the
 * owner of the guessed account signing in afterwards; one person signing in from several
 * browsers at once. The limits are the ones the providers report from their configuration.
 */
export const passwordGuessing: Scenario = {
  id: 'password-guessing',
  title: 'Parallel password guessing',
  accounts: (size) => size.guesses + 2,
  async run(cluster, size) {
    const { perAccount, perAddress, windowSeconds } = cluster.rateLimit;
    const providerFor = (i: number) => cluster.providerAt(i);
    const manyAccounts = cluster.takeAccounts(size.guesses);
    const [target, owner] = cluster.takeAccounts(2) as [string, string];

    const spreadAddress = cluster.newAddress();
    const spread = await postAll(
      await inPool(size.guesses, 10, (i) =>
        prepare(cluster.newBrowser(spreadAddress), providerFor(i), manyAccounts[i] as string, WRONG),
      ),
    );
    const oneAddress = cluster.newAddress();
    const focused = await postAll(
      await inPool(size.guesses, 10, (i) =>
        prepare(cluster.newBrowser(oneAddress), providerFor(i), target, WRONG),
      ),
    );
    const [ownerStep] = await postAll([
      await prepare(cluster.newBrowser(), providerFor(0), target, PASSWORD),
    ]);
    const own = await postAll(
      await inPool(OWN_BROWSERS, OWN_BROWSERS, (i) =>
        prepare(cluster.newBrowser(), providerFor(i), owner, PASSWORD),
      ),
    );
    const owner429 = ownerStep as StepResult;
    const ownerIn = owner429.outcome === 302;
    const ownerWaitSeconds = ownerIn ? 0 : (owner429.retryAfter ?? Number.POSITIVE_INFINITY);

    const all = [...spread, ...focused, owner429, ...own];
    const wrongAccepted = [...spread, ...focused].filter((s) => s.outcome === 302).length;
    const ownIn = own.filter((s) => s.outcome === 302).length;
    const label = (name: string, steps: StepResult[]) =>
      countBy(steps, verdict).map(([v, n]) => [`${name}: ${v}`, n] as [string, number]);
    return {
      description:
        `Limits reported by the providers: ${perAccount} attempts per account, ${perAddress} failures per address, ` +
        `in ${windowSeconds} s. (1) ${size.guesses} wrong passwords at once from one address, each for another ` +
        `account; (2) ${size.guesses} wrong passwords at once from one address for one account; (3) that ` +
        `account's owner, from another address, with the right password; (4) one person signing in from ` +
        `${OWN_BROWSERS} browsers at once. Both providers share the counters (Redis).`,
      tried: `${all.length} sign-ins: ${size.guesses} + ${size.guesses} guesses, 1 owner, ${OWN_BROWSERS} own browsers`,
      cameBack: [
        ...label('many accounts', spread),
        ...label('one account', focused),
        ...label('owner after', [owner429]),
        ...label(`${OWN_BROWSERS} browsers`, own),
      ],
      lost: `${OWN_BROWSERS - ownIn} of ${OWN_BROWSERS} honest parallel sign-ins refused; owner ${ownerIn ? 'signed in' : `refused (${owner429.outcome})`}`,
      goals: [
        goal(
          `one address, many accounts: at most ${perAddress} passwords checked (per-address limit)`,
          checked(spread) <= perAddress,
          `${checked(spread)} checked of ${spread.length}`,
        ),
        goal(
          `one account: at most ${perAccount} passwords checked (per-account limit)`,
          checked(focused) <= perAccount,
          `${checked(focused)} checked of ${focused.length}`,
        ),
        goal('no wrong password signs in', wrongAccepted === 0, `${wrongAccepted}`),
        goal(
          `the owner is not kept out by a stranger's guesses (signs in, or within ${OWNER_WAIT_LIMIT_SECONDS} s)`,
          ownerWaitSeconds <= OWNER_WAIT_LIMIT_SECONDS,
          ownerIn ? 'signed in' : `${owner429.outcome}, Retry-After ${owner429.retryAfter ?? 'none'} s`,
        ),
        goal(
          `one person in ${OWN_BROWSERS} browsers at once all sign in`,
          ownIn === OWN_BROWSERS,
          `${ownIn} of ${OWN_BROWSERS}`,
        ),
        goal('no 500', count500(all) === 0, `${count500(all)}`),
        goal(
          'every request answered',
          unanswered(all).length === 0,
          `${unanswered(all).length} without answer`,
        ),
      ],
      notes: unansweredNote(all),
    };
  },
};
