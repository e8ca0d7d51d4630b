import { startCluster } from './lib/cluster.ts';
import { goal, type ScenarioResult, type SuiteSize } from './lib/scenario.ts';
import { closeBrowserConnections } from './lib/site-browser.ts';
import { scenarios } from './scenarios/index.ts';

export interface SuiteRun {
  size: SuiteSize;
  results: ScenarioResult[];
  /** Wall-clock time of the whole run, cluster start and clean-up included. */
  seconds: number;
  logDir: string;
  startedAt: Date;
}

/**
 * Starts the cluster, runs the scenarios (all, or those whose id is in `only`) one after
 * another and tears everything down. A scenario that throws is reported as a missed goal.
 */
export async function runSuite(
  size: SuiteSize,
  options: { only?: string[]; progress?: (line: string) => void } = {},
): Promise<SuiteRun> {
  const startedAt = new Date();
  const selected = scenarios.filter((s) => options.only === undefined || options.only.includes(s.id));
  const progress = options.progress ?? (() => {});
  const cluster = await startCluster({ accounts: selected.reduce((sum, s) => sum + s.accounts(size), 0) });
  progress(
    `cluster up in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s; logs in ${cluster.logDir}`,
  );
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of selected) {
      const started = Date.now();
      const exitsBefore = cluster.unexpectedExits.length;
      let result: ScenarioResult;
      try {
        result = {
          id: scenario.id,
          title: scenario.title,
          seconds: 0,
          ...(await scenario.run(cluster, size)),
        };
      } catch (error) {
        result = {
          id: scenario.id,
          title: scenario.title,
          seconds: 0,
          description: '',
          tried: 'the scenario stopped with an error',
          cameBack: [],
          lost: 'unknown',
          goals: [goal('the scenario runs to its end', false, String(error))],
          notes: [],
        };
      }
      const exits = cluster.unexpectedExits.slice(exitsBefore);
      result.goals.push(
        goal(
          'no process of the deployment exits on its own',
          exits.length === 0,
          exits.length === 0 ? 'none' : exits.map((e) => `${e.name} (${e.signal ?? e.code})`).join(', '),
        ),
      );
      result.seconds = (Date.now() - started) / 1000;
      results.push(result);
      const missed = result.goals.filter((g) => !g.met).length;
      progress(
        `${scenario.id}: ${missed === 0 ? 'all goals met' : `${missed} goal(s) missed`} in ${result.seconds.toFixed(1)} s`,
      );
      // A scenario that killed a process and failed before restarting it leaves it down.
      for (const exit of exits)
        if (exit.name.startsWith('provider-'))
          await cluster.restartProvider(exit.name === 'provider-1' ? 0 : 1);
    }
  } finally {
    await cluster.stop();
    closeBrowserConnections();
  }
  return {
    size,
    results,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    logDir: cluster.logDir,
    startedAt,
  };
}

export const goalsMissed = (run: SuiteRun) =>
  run.results.flatMap((r) =>
    r.goals.filter((g) => !g.met).map((g) => `${r.id}: ${g.description} (${g.figure})`),
  );
