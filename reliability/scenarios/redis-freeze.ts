import { failFastGoal, runAroundFault } from '../lib/fault-run.ts';
import type { Scenario } from '../lib/scenario.ts';

export const redisFreeze: Scenario = {
  id: 'redis-freeze',
  title: 'Redis frozen',
  accounts: (size) => size.faultConcurrency + 1,
  run: (cluster, size) =>
    runAroundFault(cluster, size, {
      what: `The run's Redis stopped with SIGSTOP (connections open, nothing answered) for ${size.faultSeconds} s, then SIGCONT`,
      begin: () => cluster.redis.freeze(),
      end: () => cluster.redis.thaw(),
      duringGoals: (during) => [failFastGoal(during)],
    }),
};
