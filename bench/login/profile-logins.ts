import { fileURLToPath } from 'node:url';
import { formatProfile, topSelfTime } from '../lib/cpu-profile.ts';
import { startProfiling, stopProfiling } from '../lib/profile-window.ts';
import { fmt } from '../lib/stats.ts';
import type { TwoProcessLoginSystem } from './login-flow.ts';
import { measureLogins } from './measure-logins.ts';

const PROFILE_ROOT = fileURLToPath(new URL('../results/profiles/', import.meta.url));

/**
 * CPU profiles of a login system's two processes over sequential "continue as" logins, the
 * start-up and warm-up left out; returns note lines with the top self-time functions.
 */
export async function profileLogins(
  id: string,
  start: () => Promise<TwoProcessLoginSystem>,
  durationSeconds: number,
): Promise<string> {
  const system = await start();
  try {
    await measureLogins(system, {
      mode: 'continue-as',
      concurrency: 1,
      durationSeconds: 1,
      warmupLogins: 20,
    });
    await startProfiling([system.processes.provider, system.processes.client]);
    const result = await measureLogins(system, {
      mode: 'continue-as',
      concurrency: 1,
      durationSeconds,
      warmupLogins: 0,
    });
    const directory = `${PROFILE_ROOT}login-${id}`;
    const paths = await stopProfiling(system.processes, directory);
    const sides = Object.entries(paths).map(([side, path]) => {
      const lines = formatProfile(topSelfTime(path, 8)).map((line) => `    - ${line}`);
      return `  - ${side} (${fmt((side === 'provider' ? result.providerCpuMicros : result.clientCpuMicros) / 1000, 2)} ms CPU per login):\n${lines.join('\n')}`;
    });
    return `${system.name}, sequential continue-as, top self time (bench/results/profiles/login-${id}/):\n${sides.join('\n')}`;
  } finally {
    await system.stop();
  }
}
