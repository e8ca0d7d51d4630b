import type { ChildProcess } from 'node:child_process';
import { nextMessage } from '../lib/child-process.ts';
import { HttpBrowser } from '../lib/http-browser.ts';
import { median } from '../lib/stats.ts';
import { BENCH_ACCOUNT_COUNT, benchAccount } from './bench-account.ts';
import type { RunningLoginSystem } from './login-flow.ts';

export type LoginMode = 'continue-as' | 'password';

export interface LoginMeasurement {
  system: string;
  mode: LoginMode;
  concurrency: number;
  logins: number;
  loginsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the provider and the client app per login, in microseconds (NaN: no client app). */
  providerCpuMicros: number;
  clientCpuMicros: number;
  /** CPU time of the bench process (the browsers; for the provider alone, the client app too) per login. */
  browserCpuMicros: number;
  /** Logins that failed (counted, not in the throughput), and the first failure's message. */
  failures: number;
  firstFailure: string | undefined;
}

export interface MeasureLoginsOptions {
  mode: LoginMode;
  concurrency: number;
  durationSeconds: number;
  /** Logins per worker done before the clock starts (JIT, connection pools, caches). */
  warmupLogins: number;
  /**
   * Awaited after the warm-up, just before the clock starts: two measurements that await the
   * same barrier start their windows together (`measureLoginsTogether`).
   */
  beforeClock?: () => Promise<void>;
}

async function cpuOf(child: ChildProcess | undefined): Promise<number> {
  if (child === undefined) return Number.NaN;
  child.send({ type: 'cpu' });
  const { usage } = await nextMessage<{ type: 'cpu'; usage: NodeJS.CpuUsage }>(child, 'cpu');
  return usage.user + usage.system;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

// A failed warm-up login is tried again a few times: the measurement then counts failures,
// but a system that cannot log in at all stops the benchmark with its error.
async function withRetries(attempt: () => Promise<void>, retries = 3): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= retries) throw error;
    }
  }
}

/**
 * Runs logins back to back in `concurrency` simulated browsers until the time is up (a login
 * under way then still finishes and counts). Every browser's first login is checked with a
 * request to the client app's protected page, outside the clock. A failed login is counted
 * apart and left out of the throughput.
 */
export async function measureLogins(
  system: RunningLoginSystem,
  options: MeasureLoginsOptions,
): Promise<LoginMeasurement> {
  if (options.concurrency > BENCH_ACCOUNT_COUNT) {
    throw new RangeError(`at most ${BENCH_ACCOUNT_COUNT} browsers at once (one per bench account)`);
  }
  // Browser i signs in as account i: concurrent logins are different people.
  const workers = await Promise.all(
    Array.from({ length: options.concurrency }, async (_, index) => {
      const browser = new HttpBrowser();
      const account = benchAccount(index);
      if (options.mode === 'continue-as') await withRetries(() => system.signIn(browser, account));
      return { browser, account };
    }),
  );
  const loginOnce = async ({ browser, account }: (typeof workers)[number]) => {
    if (options.mode === 'continue-as') {
      browser.forget(system.clientOrigin);
      await system.continueAs(browser, account);
    } else {
      await system.passwordLogin(new HttpBrowser(), account);
    }
  };
  await Promise.all(
    workers.map(async (worker) => {
      for (let i = 0; i < options.warmupLogins; i++) await loginOnce(worker).catch(() => undefined);
      await withRetries(async () => {
        if (options.mode === 'continue-as') {
          await loginOnce(worker);
          await system.assertSignedIn(worker.browser, worker.account);
        } else {
          const checked = new HttpBrowser();
          await system.passwordLogin(checked, worker.account);
          await system.assertSignedIn(checked, worker.account);
        }
      });
    }),
  );

  await options.beforeClock?.();
  const cpuBefore = await Promise.all([cpuOf(system.processes.provider), cpuOf(system.processes.client)]);
  const browserCpuBefore = process.cpuUsage();
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const deadline = started + options.durationSeconds * 1000;
  await Promise.all(
    workers.map(async (worker) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await loginOnce(worker);
          latencies.push(performance.now() - t0);
        } catch (error) {
          failures++;
          firstFailure ??= (error as Error).message;
        }
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  const browserCpu = process.cpuUsage(browserCpuBefore);
  const cpuAfter = await Promise.all([cpuOf(system.processes.provider), cpuOf(system.processes.client)]);
  latencies.sort((a, b) => a - b);
  const logins = latencies.length;
  return {
    system: system.name,
    mode: options.mode,
    concurrency: options.concurrency,
    logins,
    loginsPerSecond: logins / elapsedSeconds,
    p50Ms: median(latencies),
    p99Ms: percentile(latencies, 99),
    providerCpuMicros: ((cpuAfter[0] as number) - (cpuBefore[0] as number)) / logins,
    clientCpuMicros: ((cpuAfter[1] as number) - (cpuBefore[1] as number)) / logins,
    browserCpuMicros: (browserCpu.user + browserCpu.system) / logins,
    failures,
    firstFailure,
  };
}
