import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dumpTotals } from '../lib/callgrind-totals.ts';
import { HttpBrowser } from '../lib/http-browser.ts';
import { benchAccount } from './bench-account.ts';
import type { LoginMode } from './measure-logins.ts';
import { type SsokitLoginSystemOptions, startSsokitLoginSystem } from './ssokit-login-system.ts';

const run = promisify(execFile);

export interface LoginInstructionOptions {
  /** Logins per mode and browser before the count starts (JIT warm-up, caches). */
  warmupLogins: Record<LoginMode, number>;
  /** Counted logins per mode and browser. */
  logins: Record<LoginMode, number>;
  /** Browsers logging in at once, each as its own account. */
  concurrency: number;
}

/**
 * The audit trail writes a batch when 100 rows wait or 250 ms after the first. At real speed
 * a provider busy with logins fills its batches (three rows a login); under callgrind, about
 * 50x slower, 250 ms hold one login's rows, and every login would pay a whole INSERT
 * statement. With the interval scaled by that slowdown the batches are as full as at real speed.
 */
const AUDIT_FLUSH_INTERVAL_UNDER_CALLGRIND_MS = 250 * 50;

/** Instructions the provider executes per login of each mode, counted by callgrind. */
export type LoginInstructions = Record<LoginMode, { all: number; mainThread: number; steady: number }>;

/**
 * The provider's instructions per login (valgrind callgrind; two providers counted side by
 * side give a ratio far steadier than time: the main thread's count itself moved by up to 15 %
 * between runs under different machine load, all threads more, with V8's compiler), for a
 * "continue as" login and a
 * password login, with the provider under valgrind (about 50x slower) and the client app
 * and browsers as usual. Each mode is counted in its own window: instrumentation on, the
 * logins, off, a dump (which zeroes the counters).
 */
export async function countLoginInstructions(
  provider: SsokitLoginSystemOptions['provider'],
  options: LoginInstructionOptions,
): Promise<LoginInstructions> {
  const directory = mkdtempSync(join(tmpdir(), 'ssokit-bench-login-callgrind-'));
  const system = await startSsokitLoginSystem({
    provider: {
      ...provider,
      accounts: options.concurrency,
      auditFlushIntervalMs: AUDIT_FLUSH_INTERVAL_UNDER_CALLGRIND_MS,
    },
    providerUnderCallgrind: directory,
  });
  try {
    const pid = String(system.processes.provider.pid);
    const browsers = await Promise.all(
      Array.from({ length: options.concurrency }, async (_, index) => {
        const browser = new HttpBrowser();
        await system.signIn(browser, benchAccount(index));
        return { browser, account: benchAccount(index) };
      }),
    );
    const counts: Partial<LoginInstructions> = {};
    let dump = 0;
    for (const mode of ['continue-as', 'password'] as const) {
      const logins = async (amount: number) =>
        Promise.all(
          browsers.map(async ({ browser, account }) => {
            for (let i = 0; i < amount; i++) {
              // A keep-alive connection the slowed provider closes as a request goes out: once more.
              for (let attempt = 1; ; attempt++) {
                try {
                  if (mode === 'continue-as') {
                    browser.forget(system.clientOrigin);
                    await system.continueAs(browser, account);
                  } else {
                    await system.passwordLogin(new HttpBrowser(), account);
                  }
                  break;
                } catch (error) {
                  if (attempt >= 3) throw error;
                }
              }
            }
          }),
        );
      await logins(options.warmupLogins[mode]);
      await run('/usr/bin/callgrind_control', ['--instr=on', pid]);
      await logins(options.logins[mode]);
      await run('/usr/bin/callgrind_control', ['--instr=off', pid]);
      await run('/usr/bin/callgrind_control', [`--dump=${mode}`, pid]);
      const totals = dumpTotals(directory, ++dump);
      const counted = options.logins[mode] * options.concurrency;
      counts[mode] = {
        all: totals.all / counted,
        mainThread: totals.mainThread / counted,
        steady: (totals.mainThread - totals.compiler) / counted,
      };
    }
    return counts as LoginInstructions;
  } finally {
    await system.stop();
    if (process.env.BENCH_KEEP_CALLGRIND !== '1') rmSync(directory, { recursive: true, force: true });
  }
}
