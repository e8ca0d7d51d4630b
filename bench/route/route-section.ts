import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatProfile, topSelfTime } from '../lib/cpu-profile.ts';
import { checkGoals, type SectionResult } from '../lib/report.ts';
import { fmt, ratio } from '../lib/stats.ts';
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
  'ssokit-redis',
  'ssokit-memcached',
] as const;

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
  options: MeasureRouteOptions & { only?: string[]; profile: boolean },
): Promise<SectionResult> {
  const wanted = ROUTE_SCENARIOS.filter(
    (name) => name === BASELINE || options.only === undefined || options.only.includes(name),
  );
  const available = wanted.filter((name) => routeScenarios[name] !== undefined);
  const missing = wanted.filter((name) => routeScenarios[name] === undefined);
  const results = await measureRoutes(available, options);
  const baseline = results.find((r) => r.scenario === BASELINE) as RouteMeasurement;

  const ratios: Record<string, number> = {};
  const rows = results.map((r) => {
    const rps = ratio(r.requestsPerSecond, baseline.requestsPerSecond);
    // Requests one core can serve, from CPU time: less sensitive to other work on the machine.
    const capacity = ratio(baseline.cpuMicrosPerRequest, r.cpuMicrosPerRequest);
    if (r.scenario !== BASELINE) {
      ratios[`route.${r.scenario}.rps`] = rps;
      ratios[`route.${r.scenario}.cpu-capacity`] = capacity;
      ratios[`route.${r.scenario}.p99`] = ratio(r.p99Ms, baseline.p99Ms);
    }
    return [
      r.scenario,
      fmt(r.requestsPerSecond),
      fmt(baseline.requestsPerSecond),
      fmt(rps, 3),
      `${fmt(r.p50Ms, 1)} / ${fmt(r.p99Ms, 1)}`,
      fmt(r.cpuMicrosPerRequest, 1),
      fmt(capacity, 3),
      String(r.failures),
    ];
  });
  const section: SectionResult = {
    title: 'Authenticated route (Express, `GET /me`)',
    intro:
      `\`GET /me\` answering the signed-in user's name and email, server pinned to one core, autocannon ` +
      `(${options.connections} connections, ${options.durationSeconds} s after ${options.warmupSeconds} s warm-up, ` +
      `median of ${options.rounds} interleaved round(s)) on the other. Ratio = figure / no-auth ` +
      "(higher is better). *Ratio by CPU*: no-auth's CPU µs per request / this one's, the share of " +
      "no-auth's capacity per core, less disturbed than req/s by other work on the machine.",
    columns: [
      'scenario',
      'req/s',
      'no-auth req/s',
      'ratio',
      'p50 / p99 ms',
      'CPU µs/req',
      'ratio by CPU',
      'failures',
    ],
    rows,
    ratios,
    goals: [
      { ratio: 'route.ssokit-memory.rps', description: 'ssokit in-memory >= 0.85 of no-auth', atLeast: 0.85 },
      { ratio: 'route.ssokit-sqlite.rps', description: 'ssokit SQLite >= 0.85 of no-auth', atLeast: 0.85 },
      { ratio: 'route.ssokit-redis.rps', description: 'ssokit Redis >= 0.75 of no-auth', atLeast: 0.75 },
    ],
    notes: missing.map((name) => `${name}: not measured (scenario not available yet)`),
  };
  if (options.profile) await profileMissedGoals(section, options);
  return section;
}
