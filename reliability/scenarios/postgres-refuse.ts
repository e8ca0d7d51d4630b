import { runAroundFault } from '../lib/fault-run.ts';
import type { Scenario } from '../lib/scenario.ts';

export const postgresRefuse: Scenario = {
  id: 'postgres-refuse',
  title: 'PostgreSQL refusing connections',
  accounts: (size) => size.faultConcurrency + 1,
  run: (cluster, size) =>
    runAroundFault(cluster, size, {
      what: `The PostgreSQL proxy closed (open connections cut, new ones refused) for ${size.faultSeconds} s, then listening again on the same port`,
      begin: () => cluster.postgres.stop(),
      end: () => cluster.postgres.start(),
    }),
};
