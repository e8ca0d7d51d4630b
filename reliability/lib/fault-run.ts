import { type Cluster, PASSWORD } from './cluster.ts';
import { fullLogin, type LoginRecord, showsSignedIn, stillSignedIn } from './login-flow.ts';
import { type Goal, goal, type ScenarioResult, type SuiteSize } from './scenario.ts';
import type { SiteBrowser, StepResult } from './site-browser.ts';
import {
  allSteps,
  count500,
  countBy,
  describeLogin,
  ms,
  percentile,
  slowest,
  unanswered,
  unansweredNote,
} from './tally.ts';
import { inPool, repeatUntil } from './worker-pool.ts';

/**
 * The longest a request may take while a dependency is down or stalled: the stores' and SQL's
 * 2 s deadline (a login step may wait on two of them) plus margin; the client app's
 * back-channel limit is 5 s.
 */
export const STEP_DEADLINE_MS = 6000;
/** After a fault ends, every login started later than this must complete again. */
export const RECOVERY_SECONDS = 5;

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

export interface Fault {
  /** What is done, for the report (`Redis SIGKILLed, restarted 10 s later`). */
  what: string;
  begin(): Promise<void> | void;
  end(): Promise<void> | void;
  /** Processes killed on purpose, whose missing answers are expected. */
  killed?: ReadonlySet<string>;
  /**
   * Logins started this long after the fault began must complete (a provider killed: the
   * other one serves). Undefined: logins during the fault may be refused, clearly.
   */
  servedDuringAfterSeconds?: number;
  /** Extra goals on the answers during the fault (fail fast). */
  duringGoals?(during: LoginRecord[]): Goal[];
}

interface Done {
  login: LoginRecord;
  browser: SiteBrowser;
}

/**
 * Logins running continuously before, during and after a fault. Judged: no 500, every request
 * answered within the deadline (processes killed on purpose aside), every login completes
 * again once the fault has been over for RECOVERY_SECONDS, and every session made at any time
 * still works at both client apps at the end.
 */
export async function runAroundFault(
  cluster: Cluster,
  size: SuiteSize,
  fault: Fault,
): Promise<Omit<ScenarioResult, 'id' | 'title' | 'seconds'>> {
  const accounts = cluster.takeAccounts(size.faultConcurrency);
  const [probeBrowser, probeAccount] = await signedInBeforehand(cluster);
  let beganAt = 0;
  let endedAt = 0;
  const timeline = (async () => {
    await sleep(size.beforeSeconds);
    beganAt = Date.now();
    await fault.begin();
    await sleep(size.faultSeconds);
    await fault.end();
    endedAt = Date.now();
    await sleep(size.afterSeconds);
  })();
  // Someone signed in before the fault keeps reloading the home page during it: it may show
  // them or say sign-in is unavailable (503), never that they are not logged in.
  const faultOver = timeline.then(() => undefined);
  const probes = (async () => {
    const seen: StepResult[] = [];
    const [browser, account] = [probeBrowser, probeAccount];
    while (beganAt === 0) await sleep(0.05);
    let over = false;
    void faultOver.then(() => {
      over = true;
    });
    while (!over && (endedAt === 0 || Date.now() < endedAt)) {
      const step = await browser.get(cluster.clientAt(seen.length), 'home page', new URL('/', 'http://x'));
      seen.push({
        ...step,
        body: showsSignedIn(step, account)
          ? 'shows the user'
          : step.body.includes('not logged in')
            ? 'says not logged in'
            : '',
      });
      await sleep(0.2);
    }
    return seen;
  })();
  const done: Done[] = await repeatUntil(timeline, size.faultConcurrency, async (worker) => {
    const browser = cluster.newBrowser();
    return {
      browser,
      login: await fullLogin(browser, cluster.randomRoute(), accounts[worker] as string, PASSWORD),
    };
  });
  await timeline;
  const homePages = await probes;
  const probeLabel = (step: StepResult) => step.body || `${step.outcome}`;
  const saidLoggedOut = homePages.filter((step) => step.body === 'says not logged in').length;
  const logins = done.map((d) => d.login);
  const before = logins.filter((l) => l.endedAt < beganAt);
  const during = logins.filter((l) => l.endedAt >= beganAt && l.startedAt < endedAt);
  const after = logins.filter((l) => l.startedAt >= endedAt);
  const recoveredBy = endedAt + RECOVERY_SECONDS * 1000;
  const mustComplete = logins.filter(
    (l) =>
      l.startedAt >= recoveredBy ||
      (fault.servedDuringAfterSeconds !== undefined &&
        l.startedAt >= beganAt + fault.servedDuringAfterSeconds * 1000),
  );
  const notCompleted = mustComplete.filter((l) => !l.ok);
  const firstBack = after.filter((l) => l.ok).sort((x, y) => x.endedAt - y.endedAt)[0];

  const completed = done.filter((d) => d.login.ok);
  const kept = await inPool(completed.length * 2, 10, async (i) => {
    const { browser, login } = completed[i >> 1] as Done;
    return (await stillSignedIn(browser, cluster.clientAt(i), login.account)).kept;
  });
  const lostSessions = kept.filter((k) => !k).length;

  const steps = allSteps(logins);
  const noAnswer = unanswered(steps, fault.killed);
  const late = steps.filter((step) => step.ms > STEP_DEADLINE_MS);
  const phase = (name: string, list: LoginRecord[]) =>
    countBy(list, describeLogin).map(([label, n]) => [`${name}: ${label}`, n] as [string, number]);
  const duringSteps = allSteps(during);
  const seconds = (t: number) => `${((t - beganAt) / 1000).toFixed(1)} s`;
  return {
    description: `${fault.what}, while full logins run (${size.faultConcurrency} at once, every step on another process).`,
    tried:
      `${logins.length} logins (${before.length} before, ${during.length} during, ${after.length} after the fault; ` +
      `${steps.length} requests); fault from ${size.beforeSeconds} s for ${size.faultSeconds} s`,
    cameBack: [
      ...phase('before', before),
      ...phase('during', during),
      ...phase('after', after),
      ...countBy(homePages, probeLabel).map(
        ([label, n]) => [`home page of a signed-in user during the fault: ${label}`, n] as [string, number],
      ),
    ],
    lost:
      `${notCompleted.length} of ${mustComplete.length} logins that had to complete failed; ` +
      `${lostSessions} of ${kept.length} session reads at the end did not show the user; ` +
      `${noAnswer.length} requests got no answer`,
    goals: [
      goal('no 500', count500(steps) === 0, `${count500(steps)}`),
      goal(
        `every request answered within ${STEP_DEADLINE_MS / 1000} s`,
        noAnswer.length === 0 && late.length === 0,
        `${noAnswer.length} without answer, ${late.length} slower; slowest ${ms(slowest(steps))}`,
      ),
      goal(
        fault.servedDuringAfterSeconds === undefined
          ? `every login started ${RECOVERY_SECONDS} s after the fault ended completes`
          : `every login started ${fault.servedDuringAfterSeconds} s after the kill completes`,
        notCompleted.length === 0 && mustComplete.length > 0,
        `${mustComplete.length - notCompleted.length} of ${mustComplete.length}` +
          (firstBack === undefined
            ? '; none completed after the fault'
            : `; first completed ${((firstBack.endedAt - endedAt) / 1000).toFixed(1)} s after the fault ended`),
      ),
      goal(
        'every session made (before, during, after) still works at both client apps',
        lostSessions === 0,
        `${lostSessions} lost`,
      ),
      goal(
        'a user signed in before the fault is never told "not logged in" during it',
        saidLoggedOut === 0,
        `${saidLoggedOut} of ${homePages.length} home pages`,
      ),
      ...(fault.duringGoals?.(during) ?? []),
    ],
    notes: [
      ...unansweredNote(steps, fault.killed),
      `answers during the fault: p50 ${ms(
        percentile(
          duringSteps.map((s) => s.ms),
          50,
        ),
      )}, ` +
        `p95 ${ms(
          percentile(
            duringSteps.map((s) => s.ms),
            95,
          ),
        )} over ${duringSteps.length} requests`,
      ...(notCompleted.length > 0
        ? [
            `first login that had to complete and did not: ${describeLogin(notCompleted[0] as LoginRecord)}, started ${seconds((notCompleted[0] as LoginRecord).startedAt)} after the fault began`,
          ]
        : []),
    ],
  };
}

/** A browser signed in (a full login) before the fault, and its account. */
async function signedInBeforehand(cluster: Cluster): Promise<[SiteBrowser, string]> {
  const [account] = cluster.takeAccounts(1) as [string];
  const browser = cluster.newBrowser();
  const login = await fullLogin(browser, cluster.randomRoute(), account, PASSWORD);
  if (!login.ok) throw new Error(`the login before the fault failed: ${describeLogin(login)}`);
  return [browser, account];
}

/** Fail fast: once the outage is known, a request costs milliseconds, not the store's timeout. */
export function failFastGoal(during: LoginRecord[], limitMs = 250): Goal {
  const failedSteps = during.flatMap((l) => (l.failure === undefined ? [] : [l.failure]));
  const p50 = percentile(
    failedSteps.map((s) => s.ms),
    50,
  );
  return goal(
    `refusals during the outage fail fast (median under ${limitMs} ms)`,
    failedSteps.length > 0 && p50 < limitMs,
    `median ${ms(p50)} over ${failedSteps.length} refused steps`,
  );
}
