import { failFastGoal, runAroundFault } from '../lib/fault-run.ts';
import type { Scenario } from '../lib/scenario.ts';

export const redisKill: Scenario = {
  id: 'redis-kill',
  title: 'Redis killed',
  accounts: (size) => size.faultConcurrency + 1,
  run: (cluster, size) =>
    runAroundFault(cluster, size, {
      what: `The run's Redis SIGKILLed, started again ${size.faultSeconds} s later on the same port (append-only file on every write, so it comes back with what it acknowledged)`,
      begin: () => cluster.redis.kill(),
      end: () => cluster.redis.start(),
      duringGoals: (during) => [failFastGoal(during)],
    }),
};
