import type { Cluster } from './cluster.ts';

/** How big a run is: `quick` is the bounded form CI runs. */
export interface SuiteSize {
  quick: boolean;
  logins: number;
  loginConcurrency: number;
  startPairs: number;
  /** Logins running at once while a fault is played. */
  faultConcurrency: number;
  /** Logins before, during and after each fault, in seconds. */
  beforeSeconds: number;
  faultSeconds: number;
  afterSeconds: number;
  /** Parallel wrong passwords (each for another account, then all for one). */
  guesses: number;
}

export const FULL: SuiteSize = {
  quick: false,
  logins: 200,
  loginConcurrency: 20,
  startPairs: 3000,
  faultConcurrency: 10,
  beforeSeconds: 4,
  faultSeconds: 15,
  afterSeconds: 12,
  guesses: 200,
};

export const QUICK: SuiteSize = {
  quick: true,
  logins: 40,
  loginConcurrency: 20,
  startPairs: 300,
  faultConcurrency: 6,
  beforeSeconds: 2,
  // Longer than the 6 s answer deadline, so a stall that is waited out shows.
  faultSeconds: 8,
  afterSeconds: 8,
  guesses: 60,
};

/** One goal of a scenario, with the figure of the run it was judged on. */
export interface Goal {
  description: string;
  met: boolean;
  figure: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** What the scenario does, for the report. */
  description: string;
  /** How much was tried, in words with the run's figures. */
  tried: string;
  /** What came back: a label (`completed`, `503 at callback`…) and how many. */
  cameBack: Array<[string, number]>;
  /** What was lost, in words with the run's figures (goal: nothing). */
  lost: string;
  goals: Goal[];
  notes: string[];
  seconds: number;
}

export interface Scenario {
  id: string;
  title: string;
  /** Accounts the scenario takes from the cluster at this size. */
  accounts(size: SuiteSize): number;
  run(cluster: Cluster, size: SuiteSize): Promise<Omit<ScenarioResult, 'id' | 'title' | 'seconds'>>;
}

export function goal(description: string, met: boolean, figure: string): Goal {
  return { description, met, figure };
}
