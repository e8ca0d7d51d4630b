import type { Scenario } from '../lib/scenario.ts';
import { fullLogins } from './full-logins.ts';
import { originalClientStarts } from './original-client-starts.ts';
import { passwordGuessing } from './password-guessing.ts';
import { postgresFreeze } from './postgres-freeze.ts';
import { postgresRefuse } from './postgres-refuse.ts';
import { providerKill } from './provider-kill.ts';
import { redisFreeze } from './redis-freeze.ts';
import { redisKill } from './redis-kill.ts';
import { simultaneousStarts } from './simultaneous-starts.ts';

/**
 * Every scenario, in the order they run on one cluster. Each takes accounts of its own, so a
 * lockout in one cannot spill into the next; the faults come after the plain load.
 */
export const scenarios: readonly Scenario[] = [
  fullLogins,
  simultaneousStarts,
  originalClientStarts,
  redisKill,
  redisFreeze,
  postgresRefuse,
  postgresFreeze,
  providerKill,
  passwordGuessing,
];
