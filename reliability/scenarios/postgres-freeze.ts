import { runAroundFault } from '../lib/fault-run.ts';
import type { Scenario } from '../lib/scenario.ts';

export const postgresFreeze: Scenario = {
  id: 'postgres-freeze',
  title: 'PostgreSQL frozen',
  accounts: (size) => size.faultConcurrency + 1,
  run: (cluster, size) =>
    runAroundFault(cluster, size, {
      what: `The PostgreSQL proxy frozen (connections open and accepted, not a byte forwarded) for ${size.faultSeconds} s, then thawed`,
      begin: () => cluster.postgres.freeze(),
      end: () => cluster.postgres.thaw(),
    }),
};
