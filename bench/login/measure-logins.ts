import type { ChildProcess } from 'node:child_process';
import { nextMessage } from '../lib/child-process.ts';
import { HttpBrowser } from '../lib/http-browser.ts';
import { median } from '../lib/stats.ts';
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
  /** CPU time of the provider and the client app per login, in microseconds. */
  providerCpuMicros: number;
  clientCpuMicros: number;
}

export interface MeasureLoginsOptions {
  mode: LoginMode;
  concurrency: number;
  durationSeconds: number;
  /** Logins per worker done before the clock starts (JIT, connection pools, caches). */
  warmupLogins: number;
}

async function cpuOf(child: ChildProcess): Promise<number> {
  child.send({ type: 'cpu' });
  const { usage } = await nextMessage<{ type: 'cpu'; usage: NodeJS.CpuUsage }>(child, 'cpu');
  return usage.user + usage.system;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

/**
 * Runs logins back to back in `concurrency` simulated browsers until the time is up (a login
 * under way then still finishes and counts). Every browser's first login is checked with a
 * request to the client app's protected page, outside the clock.
 */
export async function measureLogins(
  system: RunningLoginSystem,
  options: MeasureLoginsOptions,
): Promise<LoginMeasurement> {
  const browsers = await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      const browser = new HttpBrowser();
      if (options.mode === 'continue-as') await system.signIn(browser);
      return browser;
    }),
  );
  const loginOnce = async (browser: HttpBrowser) => {
    if (options.mode === 'continue-as') {
      browser.forget(system.clientOrigin);
      await system.continueAs(browser);
    } else {
      await system.passwordLogin(new HttpBrowser());
    }
  };
  await Promise.all(
    browsers.map(async (browser) => {
      for (let i = 0; i < options.warmupLogins; i++) await loginOnce(browser);
      if (options.mode === 'continue-as') {
        await system.assertSignedIn(browser);
      } else {
        const checked = new HttpBrowser();
        await system.passwordLogin(checked);
        await system.assertSignedIn(checked);
      }
    }),
  );

  const cpuBefore = await Promise.all([cpuOf(system.processes.provider), cpuOf(system.processes.client)]);
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + options.durationSeconds * 1000;
  await Promise.all(
    browsers.map(async (browser) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await loginOnce(browser);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
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
  };
}
