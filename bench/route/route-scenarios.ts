import type { RouteScenario } from './route-scenario.ts';

/**
 * Every scenario the route benchmark can serve, by name, loaded on demand: a server process
 * imports only its own scenario's libraries (passport patches Node's request prototype, for
 * one), so no scenario pays for another's.
 */
export const routeScenarios: Record<string, () => Promise<RouteScenario>> = {
  'no-auth': async () => (await import('./no-auth-scenarios.ts')).noAuthScenario,
  'no-auth-async': async () => (await import('./no-auth-scenarios.ts')).noAuthAsyncScenario,
  'no-auth-fastify': async () => (await import('./framework-no-auth-scenarios.ts')).noAuthFastifyScenario,
  'no-auth-hono': async () => (await import('./framework-no-auth-scenarios.ts')).noAuthHonoScenario,
  'pass-through-hono': async () => (await import('./framework-no-auth-scenarios.ts')).passThroughHonoScenario,
  'no-auth-fetch': async () => (await import('./framework-no-auth-scenarios.ts')).noAuthFetchScenario,
  ...Object.fromEntries(
    (['fastify', 'hono', 'fetch'] as const).map((framework) => [
      `ssokit-${framework}-memory`,
      async () => (await import('./ssokit-scenarios.ts')).ssokitRouteScenario('memory', framework),
    ]),
  ),
  'passport-memory': async () => (await import('./passport-scenarios.ts')).passportMemoryScenario,
  'passport-redis': async () => (await import('./passport-scenarios.ts')).passportRedisScenario,
  ...Object.fromEntries(
    (['memory', 'sqlite', 'postgres', 'redis', 'memcached'] as const).map((kind) => [
      `ssokit-${kind}`,
      async () => (await import('./ssokit-scenarios.ts')).ssokitRouteScenario(kind),
    ]),
  ),
  // The same with the client's read cache off (it is on by default for shared stores).
  ...Object.fromEntries(
    (['postgres', 'redis'] as const).map((kind) => [
      `ssokit-${kind}-nocache`,
      async () =>
        (await import('./ssokit-scenarios.ts')).ssokitRouteScenario(kind, 'express', { readCache: false }),
    ]),
  ),
};
