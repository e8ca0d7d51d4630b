import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nextMessage, pinProcess, spawnPinned, stopChild } from '../lib/child-process.ts';
import { startProfiling, stopProfiling } from '../lib/profile-window.ts';
import { progress, secondsSince } from '../lib/progress.ts';
import { fmt, median } from '../lib/stats.ts';
import type { RouteScenarioOptions } from './route-scenario.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface RouteMeasurement {
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanLatencyMs: number;
  cpuMicrosPerRequest: number;
  failures: number;
}

interface LoadResult {
  type: 'result';
  requests: number;
  requestsPerSecond: number;
  meanLatency: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface MeasureRouteOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
}

/** The core a measured server is pinned to, and the load generator's. */
export const SERVER_CORE = 1;
export const LOADER_CORE = 0;

/** A server answering the benchmarked `GET /me` (`url`) for the signed-in `cookie`. */
export interface RunningServer {
  scenario: string;
  child: ChildProcess;
  url: string;
  cookie: string;
}

async function startServer(
  scenario: string,
  nodeOptions: string[],
  scenarioOptions: RouteScenarioOptions = {},
): Promise<RunningServer> {
  const child = spawnPinned(
    here('./route-server.ts'),
    [scenario, JSON.stringify(scenarioOptions)],
    undefined,
    nodeOptions,
  );
  try {
    const { url, cookie } = await nextMessage<{ type: 'ready'; url: string; cookie: string }>(
      child,
      'ready',
      300_000,
    );
    return { scenario, child, url, cookie };
  } catch (error) {
    await stopChild(child);
    throw new Error(`route scenario ${scenario} did not start: ${(error as Error).message}`);
  }
}

async function cpuMicros(child: ChildProcess): Promise<number> {
  child.send({ type: 'cpu' });
  const { usage } = await nextMessage<{ type: 'cpu'; usage: NodeJS.CpuUsage }>(child, 'cpu');
  return usage.user + usage.system;
}

async function measureServer(
  server: RunningServer,
  loader: ChildProcess,
  options: MeasureRouteOptions,
): Promise<RouteMeasurement> {
  pinProcess(server.child, SERVER_CORE);
  const headers: Record<string, string> = server.cookie ? { cookie: server.cookie } : {};
  const load = async (durationSeconds: number) => {
    loader.send({ type: 'run', url: server.url, headers, connections: options.connections, durationSeconds });
    return nextMessage<LoadResult>(loader, 'result', (durationSeconds + 30) * 1000);
  };
  await load(options.warmupSeconds);
  const before = await cpuMicros(server.child);
  const result = await load(options.durationSeconds);
  const after = await cpuMicros(server.child);
  return {
    scenario: server.scenario,
    requestsPerSecond: result.requestsPerSecond,
    p50Ms: result.p50,
    p99Ms: result.p99,
    meanLatencyMs: result.meanLatency,
    cpuMicrosPerRequest: result.requests > 0 ? (after - before) / result.requests : Number.NaN,
    failures: result.non2xx + result.errors,
  };
}

/**
 * Runs each scenario's server (all started at once, unpinned, then idle) and loads them one
 * after the other: the server pinned to core 1, autocannon to core 0.
 */
async function measureRound(scenarios: string[], options: MeasureRouteOptions): Promise<RouteMeasurement[]> {
  const loader = spawnPinned(here('./load-generator.ts'), [], LOADER_CORE);
  const t0 = performance.now();
  const started = await Promise.allSettled(scenarios.map((scenario) => startServer(scenario, [])));
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  try {
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    await nextMessage(loader, 'ready');
    progress(`route: ${servers.length} server(s) up in ${secondsSince(t0)}`);
    const results: RouteMeasurement[] = [];
    for (const server of servers) {
      const result = await measureServer(server, loader, options);
      progress(`route: ${server.scenario} ${fmt(result.requestsPerSecond)} req/s`);
      results.push(result);
    }
    return results;
  } finally {
    await Promise.all([...servers.map((s) => stopChild(s.child)), stopChild(loader)]);
  }
}

/**
 * Measures `GET /me` of each scenario, all scenarios in every round (so drift on a noisy
 * machine hits them alike); the median of the rounds is reported.
 */
export async function measureRoutes(
  scenarios: string[],
  options: MeasureRouteOptions,
): Promise<RouteMeasurement[]> {
  const samples = new Map<string, RouteMeasurement[]>(scenarios.map((name) => [name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const result of await measureRound(scenarios, options)) samples.get(result.scenario)?.push(result);
  }
  return scenarios.map((scenario) => {
    const runs = samples.get(scenario) ?? [];
    return {
      scenario,
      requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      meanLatencyMs: median(runs.map((r) => r.meanLatencyMs)),
      cpuMicrosPerRequest: median(runs.map((r) => r.cpuMicrosPerRequest)),
      failures: runs.reduce((sum, r) => sum + r.failures, 0),
    };
  });
}

/**
 * One more run of a scenario, its server's CPU profiled over the measured load only (warm-up
 * and start-up left out), for a goal that was missed. Returns the `.cpuprofile` path.
 */
export async function profileRoute(
  scenario: string,
  options: MeasureRouteOptions,
  profileDir: string,
): Promise<string> {
  const loader = spawnPinned(here('./load-generator.ts'), [], LOADER_CORE);
  let server: RunningServer | undefined;
  try {
    server = await startServer(scenario, []);
    await nextMessage(loader, 'ready');
    await measureServer(server, loader, { ...options, durationSeconds: options.warmupSeconds });
    await startProfiling([server.child]);
    await measureServer(server, loader, { ...options, warmupSeconds: 0.1 });
    const paths = await stopProfiling({ [scenario]: server.child }, profileDir);
    return paths[scenario] as string;
  } finally {
    await Promise.all([server === undefined ? undefined : stopChild(server.child), stopChild(loader)]);
  }
}

/** A route server kept running across measurements (growth runs add data in between). */
export interface RouteBench {
  measure(options: Omit<MeasureRouteOptions, 'rounds'> & { windows: number }): Promise<RouteMeasurement>;
  /** Measures once more with the server's CPU profiled; returns the `.cpuprofile` path. */
  profile(options: Omit<MeasureRouteOptions, 'rounds'>, directory: string): Promise<string>;
}

/** The autocannon process, pinned to the load core; several route benches may share one. */
export interface LoadGenerator {
  child: ChildProcess;
  ready: Promise<unknown>;
}

export function startLoadGenerator(): LoadGenerator {
  const child = spawnPinned(here('./load-generator.ts'), [], LOADER_CORE);
  const ready = nextMessage(child, 'ready');
  // Whoever awaits `ready` sees a failure; nobody awaiting must not crash the run.
  ready.catch(() => undefined);
  return { child, ready };
}

/**
 * Route measurements of a server that someone else started and stops (it keeps running
 * between them), loaded by `generator`.
 */
export function routeBenchOn(server: RunningServer, generator: LoadGenerator): RouteBench {
  const { scenario } = server;
  const loader = generator.child;
  let warm = false;
  return {
    async measure(options) {
      await generator.ready;
      const windows: RouteMeasurement[] = [];
      for (let i = 0; i < options.windows; i++) {
        // Warm up once per server (JIT); later windows go straight on.
        const warmupSeconds = warm || i > 0 ? Math.min(0.5, options.warmupSeconds) : options.warmupSeconds;
        windows.push(await measureServer(server, loader, { ...options, rounds: 1, warmupSeconds }));
        warm = true;
      }
      return {
        scenario,
        requestsPerSecond: median(windows.map((r) => r.requestsPerSecond)),
        p50Ms: median(windows.map((r) => r.p50Ms)),
        p99Ms: median(windows.map((r) => r.p99Ms)),
        meanLatencyMs: median(windows.map((r) => r.meanLatencyMs)),
        cpuMicrosPerRequest: median(windows.map((r) => r.cpuMicrosPerRequest)),
        failures: windows.reduce((sum, r) => sum + r.failures, 0),
      };
    },
    async profile(options, directory) {
      await generator.ready;
      await startProfiling([server.child]);
      await measureServer(server, loader, { ...options, rounds: 1 });
      const paths = await stopProfiling({ [scenario]: server.child }, directory);
      return paths[scenario] as string;
    },
  };
}
