import { fileURLToPath } from 'node:url';
import { nextMessage, spawnPinned, stopChild } from '../lib/child-process.ts';
import { median } from '../lib/stats.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface RouteMeasurement {
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerRequest: number;
  failures: number;
}

interface LoadResult {
  type: 'result';
  requests: number;
  requestsPerSecond: number;
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

/**
 * Measures `GET /me` of each scenario: server pinned to core 1, load generator to core 0,
 * rounds interleaved across scenarios so drift on a noisy machine hits them all alike; the
 * median of the rounds is reported.
 */
export async function measureRoutes(
  scenarios: string[],
  options: MeasureRouteOptions,
): Promise<RouteMeasurement[]> {
  const samples = new Map<string, RouteMeasurement[]>(scenarios.map((name) => [name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const scenario of scenarios) samples.get(scenario)?.push(await measureOnce(scenario, options));
  }
  return scenarios.map((scenario) => {
    const runs = samples.get(scenario) ?? [];
    return {
      scenario,
      requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      cpuMicrosPerRequest: median(runs.map((r) => r.cpuMicrosPerRequest)),
      failures: runs.reduce((sum, r) => sum + r.failures, 0),
    };
  });
}

async function measureOnce(scenario: string, options: MeasureRouteOptions): Promise<RouteMeasurement> {
  const server = spawnPinned(here('./route-server.ts'), [scenario], 1);
  const loader = spawnPinned(here('./load-generator.ts'), [], 0);
  try {
    const { url, cookie } = await nextMessage<{ type: 'ready'; url: string; cookie: string }>(
      server,
      'ready',
    );
    await nextMessage(loader, 'ready');
    const headers: Record<string, string> = cookie ? { cookie } : {};
    const load = async (durationSeconds: number) => {
      loader.send({ type: 'run', url, headers, connections: options.connections, durationSeconds });
      return nextMessage<LoadResult>(loader, 'result', (durationSeconds + 30) * 1000);
    };
    await load(options.warmupSeconds);
    server.send({ type: 'cpu' });
    const before = await nextMessage<{ type: 'cpu'; usage: NodeJS.CpuUsage }>(server, 'cpu');
    const result = await load(options.durationSeconds);
    server.send({ type: 'cpu' });
    const after = await nextMessage<{ type: 'cpu'; usage: NodeJS.CpuUsage }>(server, 'cpu');
    const cpuMicros = after.usage.user - before.usage.user + (after.usage.system - before.usage.system);
    return {
      scenario,
      requestsPerSecond: result.requestsPerSecond,
      p50Ms: result.p50,
      p99Ms: result.p99,
      cpuMicrosPerRequest: result.requests > 0 ? cpuMicros / result.requests : Number.NaN,
      failures: result.non2xx + result.errors,
    };
  } finally {
    await Promise.all([stopChild(server), stopChild(loader)]);
  }
}
