import { noAuthScenario, passportMemoryScenario, passportRedisScenario } from './baseline-scenarios.ts';
import type { RouteScenario } from './route-scenario.ts';
import { ssokitRouteScenarios } from './ssokit-scenarios.ts';

/** Every scenario the route benchmark can serve, by name. */
export const routeScenarios: Record<string, RouteScenario> = Object.fromEntries(
  [noAuthScenario, passportMemoryScenario, passportRedisScenario, ...ssokitRouteScenarios].map((scenario) => [
    scenario.name,
    scenario,
  ]),
);
