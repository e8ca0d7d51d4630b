import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatProfile, topSelfTime } from '../lib/cpu-profile.ts';
import { progress } from '../lib/progress.ts';
import { checkGoals, type SectionResult } from '../lib/report.ts';
import { fmt, ratio } from '../lib/stats.ts';
import {
  type CountInstructionsOptions,
  canCountInstructions,
  countInstructionsOf,
  type InstructionCount,
} from './count-instructions.ts';
import {
  type MeasureRouteOptions,
  measureRoutes,
  profileRoute,
  type RouteMeasurement,
} from './measure-route.ts';
import { routeScenarios } from './route-scenarios.ts';

const BASELINE = 'no-auth';

/** Scenario order in the table: the baseline, what users pick instead, then ssokit per store. */
export const ROUTE_SCENARIOS = [
  BASELINE,
  // Diagnostic: the floor any async session lookup starts from (one awaited middleware).
  'no-auth-async',
  'passport-memory',
  'passport-redis',
  'ssokit-memory',
  'ssokit-sqlite',
  'ssokit-postgres',
  'ssokit-postgres-nocache',
  'ssokit-redis',
  'ssokit-redis-nocache',
  'ssokit-memcached',
  // Each other adapter against the same framework without auth.
  'no-auth-fastify',
  'ssokit-fastify-memory',
  'no-auth-hono',
  // Diagnostic: Hono with two middlewares that pass every request on (an auth route's shape).
  'pass-through-hono',
  'ssokit-hono-memory',
  'no-auth-fetch',
  'ssokit-fetch-memory',
] as const;

const FRAMEWORK_SCENARIOS = ['fastify', 'hono', 'fetch'].map((framework) => ({
  scenario: `ssokit-${framework}-memory`,
  baseline: `no-auth-${framework}`,
  framework,
}));

/** Diagnostics of an adapter's framework, each shown against that framework without auth. */
const FRAMEWORK_DIAGNOSTICS: Record<string, string> = { 'pass-through-hono': 'no-auth-hono' };

/** The scenario a ratio is taken against: the same framework without auth. */
function baselineOf(scenario: string): string {
  return (
    FRAMEWORK_SCENARIOS.find((entry) => entry.scenario === scenario)?.baseline ??
    FRAMEWORK_DIAGNOSTICS[scenario] ??
    BASELINE
  );
}

const isBaseline = (scenario: string) =>
  scenario === BASELINE || FRAMEWORK_SCENARIOS.some((entry) => entry.baseline === scenario);

/** Counted under valgrind too (slow: a few minutes each): the baselines and the goals' scenarios. */
const COUNTED_SCENARIOS = [
  BASELINE,
  'passport-memory',
  'ssokit-memory',
  'ssokit-sqlite',
  'ssokit-redis',
  'ssokit-redis-nocache',
  'ssokit-postgres',
  'ssokit-postgres-nocache',
  ...FRAMEWORK_SCENARIOS.flatMap((entry) => [entry.baseline, entry.scenario]),
  ...Object.keys(FRAMEWORK_DIAGNOSTICS),
];

const PROFILE_ROOT = fileURLToPath(new URL('../results/profiles/', import.meta.url));

/** Profiles the server of each scenario whose goal was missed and names its hottest functions. */
async function profileMissedGoals(section: SectionResult, options: MeasureRouteOptions): Promise<void> {
  for (const goal of checkGoals(section)) {
    if (goal.met !== false) continue;
    const scenario = goal.ratio.split('.')[1] as string;
    const directory = `${PROFILE_ROOT}route-${scenario}`;
    rmSync(directory, { recursive: true, force: true });
    mkdirSync(directory, { recursive: true });
    const profile = await profileRoute(scenario, { ...options, rounds: 1 }, directory);
    const lines = formatProfile(topSelfTime(profile, 10)).map((line) => `  - ${line}`);
    section.notes.push(
      `${scenario} missed its goal; top self time of its server under load (V8 CPU profile, ` +
        `bench/results/profiles/route-${scenario}/):\n${lines.join('\n')}`,
    );
  }
}

export async function routeSection(
  options: MeasureRouteOptions & {
    only?: string[];
    profile: boolean;
    /** Also count instructions per request under valgrind; left out when undefined. */
    instructions?: CountInstructionsOptions;
  },
): Promise<SectionResult> {
  const asked = (name: string) => options.only === undefined || options.only.includes(name);
  const wanted = ROUTE_SCENARIOS.filter(
    (name) =>
      name === BASELINE ||
      asked(name) ||
      FRAMEWORK_SCENARIOS.some(
        (entry) =>
          (entry.baseline === name || FRAMEWORK_DIAGNOSTICS[name] === entry.baseline) &&
          asked(entry.scenario),
      ),
  );
  const available = wanted.filter((name) => routeScenarios[name] !== undefined);
  const missing = wanted.filter((name) => routeScenarios[name] === undefined);
  const results = await measureRoutes(available, options);
  const measurementOf = (scenario: string) =>
    (results.find((r) => r.scenario === scenario) ??
      results.find((r) => r.scenario === BASELINE)) as RouteMeasurement;
  const counted =
    options.instructions !== undefined && canCountInstructions()
      ? await countInstructionsOf(
          COUNTED_SCENARIOS.filter((name) => (available as readonly string[]).includes(name)),
          options.instructions,
          (count) =>
            progress(`route: ${count.scenario} ${fmt(count.instructionsPerRequest)} instructions/request`),
        )
      : [];
  const countOf = (scenario: string): InstructionCount | undefined =>
    counted.find((count) => count.scenario === scenario);

  const ratios: Record<string, number> = {};
  const rows = results.map((r) => {
    const baseline = measurementOf(baselineOf(r.scenario));
    const baselineCount = countOf(baselineOf(r.scenario));
    const rps = ratio(r.requestsPerSecond, baseline.requestsPerSecond);
    // Requests one core can serve, from CPU time: less sensitive to other work on the machine.
    const capacity = ratio(baseline.cpuMicrosPerRequest, r.cpuMicrosPerRequest);
    if (!isBaseline(r.scenario)) {
      ratios[`route.${r.scenario}.rps`] = rps;
      ratios[`route.${r.scenario}.cpu-capacity`] = capacity;
      ratios[`route.${r.scenario}.p99`] = ratio(r.p99Ms, baseline.p99Ms);
    }
    const count = countOf(r.scenario);
    let instructions = '—';
    if (count !== undefined && baselineCount !== undefined) {
      const byInstructions = ratio(baselineCount.instructionsPerRequest, count.instructionsPerRequest);
      if (!isBaseline(r.scenario)) ratios[`route.${r.scenario}.instructions`] = byInstructions;
      instructions = `${fmt(count.instructionsPerRequest / 1000)}k (${fmt(byInstructions, 3)})`;
    }
    return [
      r.scenario,
      fmt(r.requestsPerSecond),
      fmt(baseline.requestsPerSecond),
      fmt(rps, 3),
      `${fmt(r.p50Ms, 1)} / ${fmt(r.p99Ms, 1)}`,
      fmt(r.cpuMicrosPerRequest, 1),
      fmt(capacity, 3),
      instructions,
      String(r.failures + (count?.failures ?? 0)),
    ];
  });
  const section: SectionResult = {
    title: 'Authenticated route (`GET /me`; Express unless the scenario names another adapter)',
    intro:
      `\`GET /me\` answering the signed-in user's name and email, server pinned to one core, autocannon ` +
      `(${options.connections} connections, ${options.durationSeconds} s after ${options.warmupSeconds} s warm-up, ` +
      `median of ${options.rounds} interleaved round(s)) on the other. Ratio = figure / no-auth, or for ` +
      '`ssokit-<framework>-memory` / `no-auth-<framework>`, the same framework without auth ' +
      "(higher is better). *Ratio by CPU*: no-auth's CPU µs per request / this one's, the share of " +
      "no-auth's capacity per core, less disturbed than req/s by other work on the machine.",
    columns: [
      'scenario',
      'req/s',
      'baseline req/s',
      'ratio',
      'p50 / p99 ms',
      'CPU µs/req',
      'ratio by CPU',
      'instructions/req (ratio)',
      'failures',
    ],
    rows,
    ratios,
    // On the instruction ratio when it was counted: it repeats within about 1 % on a busy
    // machine, where req/s and CPU time drift by tens of percent between identical runs.
    goals: [
      { scenario: 'ssokit-memory', description: 'ssokit in-memory >= 0.85 of no-auth', atLeast: 0.85 },
      { scenario: 'ssokit-sqlite', description: 'ssokit SQLite >= 0.85 of no-auth', atLeast: 0.85 },
      { scenario: 'ssokit-redis', description: 'ssokit Redis >= 0.75 of no-auth', atLeast: 0.75 },
      // Issue 15: the read cache in front of a shared store brings it near in-memory speed.
      {
        scenario: 'ssokit-redis',
        description: 'ssokit Redis with the read cache >= 0.85 of no-auth',
        atLeast: 0.85,
      },
      {
        scenario: 'ssokit-postgres',
        description: 'ssokit PostgreSQL with the read cache >= 0.85 of no-auth',
        atLeast: 0.85,
      },
      ...FRAMEWORK_SCENARIOS.map(({ scenario, baseline, framework }) => ({
        scenario,
        description: `ssokit/${framework} in-memory >= 0.85 of ${baseline}`,
        atLeast: 0.85,
      })),
    ].map(({ scenario, description, atLeast }) => {
      const measure = countOf(scenario) === undefined ? 'rps' : 'instructions';
      const by = measure === 'rps' ? 'req/s' : 'instructions per request';
      return { ratio: `route.${scenario}.${measure}`, description: `${description} (by ${by})`, atLeast };
    }),
    notes: [
      ...missing.map((name) => `${name}: not measured (scenario not available yet)`),
      ...(counted.length > 0
        ? [
            `Instructions per request: the server under valgrind's callgrind, ${fmt(options.instructions?.requests ?? 0)} ` +
              `requests counted after ${fmt(options.instructions?.warmupRequests ?? 0)} of warm-up, ` +
              `${options.instructions?.connections} connections; user-space instructions only (the kernel's ` +
              'socket work, the same in every scenario, is left out, which makes these ratios stricter than CPU time).',
          ]
        : []),
    ],
  };
  if (options.profile) await profileMissedGoals(section, options);
  return section;
}
