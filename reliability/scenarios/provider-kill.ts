import { runAroundFault } from '../lib/fault-run.ts';
import type { Scenario } from '../lib/scenario.ts';

/** A login started this long after the kill finds the balancer routing around the dead provider. */
const ROUTED_AROUND_SECONDS = 1;

export const providerKill: Scenario = {
  id: 'provider-kill',
  title: 'A provider killed during logins',
  accounts: (size) => size.faultConcurrency + 1,
  run: (cluster, size) =>
    runAroundFault(cluster, size, {
      what:
        `provider-1 SIGKILLed in the middle of logins and started again ${size.faultSeconds} s later; meanwhile the ` +
        'balancer (back-channel) and the browsers (a refused connection goes to the other process) reach provider-2. ' +
        "Logins in flight at the kill may fail, cleanly; the killed process's own missing answers are expected",
      begin: () => cluster.killProvider(0),
      end: () => cluster.restartProvider(0),
      killed: new Set(['provider-1']),
      servedDuringAfterSeconds: ROUTED_AROUND_SECONDS,
    }),
};
