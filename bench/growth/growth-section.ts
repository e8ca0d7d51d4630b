import { fileURLToPath } from 'node:url';
import { stopChild } from '../lib/child-process.ts';
import { topSelfTime } from '../lib/cpu-profile.ts';
import { closeBrowserConnections, HttpBrowser } from '../lib/http-browser.ts';
import { progress, secondsSince } from '../lib/progress.ts';
import type { Goal, SectionResult } from '../lib/report.ts';
import { fmt, ratio } from '../lib/stats.ts';
import { benchAccount } from '../login/bench-account.ts';
import type { TwoProcessLoginSystem } from '../login/login-flow.ts';
import { measureLogins } from '../login/measure-logins.ts';
import { startSsokitLoginSystem } from '../login/ssokit-login-system.ts';
import {
  LOADER_CORE,
  type LoadGenerator,
  type RouteBench,
  type RunningServer,
  routeBenchOn,
  SERVER_CORE,
  startLoadGenerator,
} from '../route/measure-route.ts';
import { sessionCookieAtClient } from '../ssokit/ssokit-browser-flows.ts';
import { createGrowthStores, type GrowthStoreKind, type GrowthStores } from './growth-stores.ts';

export interface GrowthOptions {
  quick: boolean;
}

interface GrowthPoint {
  size: number;
  routeMeanMs: number;
  routeP99Ms: number;
  /** The client app's CPU per route request: less disturbed than latency by other work. */
  routeCpuMicros: number;
  routeFailures: number;
  loginMeanMs: number;
  loginP50Ms: number;
  loginFailures: number;
  /** Share of the route server's CPU spent in GC (full runs only, from a CPU profile). */
  routeGcShare: number | undefined;
}

const STORES: GrowthStoreKind[] = ['sqlite', 'postgres', 'redis'];
const PROFILE_ROOT = fileURLToPath(new URL('../results/profiles/', import.meta.url));
const sizeLabel = (size: number) => (size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`);

/** One store's data and the servers measuring it: a login system, whose client app serves the route. */
interface StoreBench {
  kind: GrowthStoreKind;
  stores: GrowthStores;
  route: RouteBench;
  system: TwoProcessLoginSystem;
  close(): Promise<void>;
}

/**
 * Fills a store to `size` and starts an ssokit login system on it. The route is measured on
 * the same client app (the app a route scenario serves, one process fewer per store), which
 * is pinned to the server core for that: its provider is idle on the load core meanwhile.
 */
async function openStoreBench(
  kind: GrowthStoreKind,
  size: number,
  loader: LoadGenerator,
): Promise<StoreBench> {
  const stores = await createGrowthStores(kind);
  let system: TwoProcessLoginSystem | undefined;
  const close = async () => {
    await system?.stop();
    await stores.drop();
  };
  try {
    const t0 = performance.now();
    await stores.growTo(size);
    system = await startSsokitLoginSystem({
      clientStores: kind,
      names: stores.names,
      keepStores: true,
      provider: stores.provider,
      cores: { client: SERVER_CORE, provider: LOADER_CORE },
    });
    const browser = new HttpBrowser();
    const account = benchAccount(0);
    await system.passwordLogin(browser, account);
    await system.assertSignedIn(browser, account);
    const server: RunningServer = {
      scenario: `ssokit-${kind}`,
      child: system.processes.client,
      url: new URL('/me', system.clientOrigin).href,
      cookie: sessionCookieAtClient(browser, system.clientOrigin),
    };
    const route = routeBenchOn(server, loader);
    progress(`growth: ${kind} at ${sizeLabel(size)}, servers up after ${secondsSince(t0)}`);
    return { kind, stores, route, system, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function measureStore(bench: StoreBench, sizes: number[], quick: boolean): Promise<GrowthPoint[]> {
  const { kind, stores, route, system } = bench;
  const points: GrowthPoint[] = [];
  for (const size of sizes) {
    if (size > stores.size) {
      const t0 = performance.now();
      await stores.growTo(size);
      progress(`growth: ${kind} at ${sizeLabel(size)} after ${secondsSince(t0)} of seeding`);
    }
    const routeResult = await route.measure(
      quick
        ? { connections: 10, warmupSeconds: 0.5, durationSeconds: 0.5, windows: 1 }
        : { connections: 10, warmupSeconds: 2, durationSeconds: 3, windows: 5 },
    );
    // Where the route's time goes as the store grows (GC share in the table, the rest in the file).
    const profile = quick
      ? undefined
      : await route.profile(
          { connections: 10, warmupSeconds: 0.1, durationSeconds: 3 },
          `${PROFILE_ROOT}growth-${kind}-${sizeLabel(size)}`,
        );
    const login = await measureLogins(system, {
      mode: 'continue-as',
      concurrency: 1,
      durationSeconds: quick ? 0.5 : 6,
      warmupLogins: quick ? 3 : 30,
    });
    points.push({
      size,
      routeMeanMs: routeResult.meanLatencyMs,
      routeP99Ms: routeResult.p99Ms,
      routeCpuMicros: routeResult.cpuMicrosPerRequest,
      routeFailures: routeResult.failures,
      loginMeanMs: 1000 / login.loginsPerSecond,
      loginP50Ms: login.p50Ms,
      loginFailures: login.failures,
      routeGcShare:
        profile === undefined
          ? undefined
          : (topSelfTime(profile, 1000).find((entry) => entry.frame === '(garbage collector)')?.share ?? 0),
    });
  }
  return points;
}

/**
 * Every store filled to the first size and its servers started, all at once (start-up is most
 * of a quick run's time; idle servers do not disturb the one measured), one load generator for
 * all. Each store is then measured at every size, and all are stopped together at the end.
 */
async function measureStores(sizes: number[], quick: boolean): Promise<Map<GrowthStoreKind, GrowthPoint[]>> {
  const loader = startLoadGenerator();
  const t0 = performance.now();
  const opened = await Promise.allSettled(
    STORES.map((kind) => openStoreBench(kind, sizes[0] as number, loader)),
  );
  const benches = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  try {
    const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    progress(`growth: ${benches.length} stores and their servers up in ${secondsSince(t0)}`);
    const results = new Map<GrowthStoreKind, GrowthPoint[]>();
    for (const bench of benches) results.set(bench.kind, await measureStore(bench, sizes, quick));
    return results;
  } finally {
    await Promise.all([...benches.map((bench) => bench.close()), stopChild(loader.child)]);
    closeBrowserConnections();
  }
}

/**
 * Route and login latency as the stores fill up: 1k, 100k and 1M users and sessions (quick:
 * 1k and 10k), seeded in bulk, each size compared with 1k.
 */
export async function growthSection(options: GrowthOptions): Promise<SectionResult> {
  const sizes = options.quick ? [1000, 10_000] : [1000, 100_000, 1_000_000];
  const largest = sizeLabel(sizes.at(-1) as number);
  const ratios: Record<string, number> = {};
  const rows: string[][] = [];
  const notes: string[] = [];
  const goals: Goal[] = [];
  const measured = await measureStores(sizes, options.quick);
  for (const kind of STORES) {
    const points = measured.get(kind) ?? [];
    const base = points[0] as GrowthPoint;
    for (const point of points) {
      const routeRatio = ratio(point.routeMeanMs, base.routeMeanMs);
      const loginRatio = ratio(point.loginMeanMs, base.loginMeanMs);
      const routeCpuRatio = ratio(point.routeCpuMicros, base.routeCpuMicros);
      if (point !== base) {
        ratios[`growth.${kind}.route.${sizeLabel(point.size)}`] = routeRatio;
        ratios[`growth.${kind}.routeCpu.${sizeLabel(point.size)}`] = routeCpuRatio;
        ratios[`growth.${kind}.login.${sizeLabel(point.size)}`] = loginRatio;
      }
      rows.push([
        kind,
        sizeLabel(point.size),
        `${fmt(point.routeMeanMs, 2)} / ${fmt(point.routeP99Ms, 0)}`,
        fmt(routeRatio, 3),
        `${fmt(point.routeCpuMicros, 0)} (${fmt(routeCpuRatio, 3)})`,
        `${fmt(point.loginMeanMs, 2)} / ${fmt(point.loginP50Ms, 2)}`,
        fmt(loginRatio, 3),
        point.routeGcShare === undefined ? 'n/a' : `${fmt(point.routeGcShare * 100, 1)} %`,
      ]);
      if (point.routeFailures + point.loginFailures > 0) {
        notes.push(
          `${kind} ${sizeLabel(point.size)}: ${point.routeFailures} route and ${point.loginFailures} login failures`,
        );
      }
    }
    for (const part of ['route', 'login'] as const) {
      goals.push({
        ratio: `growth.${kind}.${part}.${largest}`,
        description: `${kind}: ${part} latency with ${largest} users and sessions within 10% of 1k`,
        atMost: 1.1,
      });
    }
  }
  return {
    title: 'Growth: latency as users and sessions pile up',
    intro:
      'The client app with many stored users and sessions, seeded in bulk (SQL: multi-row INSERTs on SQLite; ' +
      'on PostgreSQL `INSERT … SELECT generate_series` for users, `INSERT … SELECT unnest` of 50,000 ' +
      'sessions; Redis: pipelines of 10,000), and as many provider accounts. *sqlite*/*postgres*: users and ' +
      'sessions in SQL on one database (sessions in a `sqlKeyValueStore` table); *redis*: sessions and ' +
      'cached users in Redis, provider tokens too. ' +
      'Route: mean latency (ms) / p99 of `GET /me` at 10 connections, served by the client app the logins go ' +
      'to. Login: mean / p50 (ms) of a sequential ' +
      '"continue as" login. Ratio: this size / 1k (lower is better; the goal is <= 1.10). Route CPU: the ' +
      "client app's CPU time per request, median of the windows, and its ratio to 1k (less disturbed by other " +
      'work on the machine than latency). Route GC share: ' +
      "garbage collection's share of the client app's CPU under load (V8 CPU profile, full runs). " +
      'Everything is dropped afterwards.',
    columns: [
      'store',
      'users + sessions',
      'route mean / p99 ms',
      'route ratio',
      'route CPU µs/req (ratio)',
      'login mean / p50 ms',
      'login ratio',
      'route GC share',
    ],
    rows,
    ratios,
    goals,
    notes,
  };
}
