import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type CallgrindTotals, callgrindTotals } from '../lib/callgrind-totals.ts';
import { HttpBrowser } from '../lib/http-browser.ts';
import { benchAccount } from './bench-account.ts';
import type { ProcessWrapper, TwoProcessLoginSystem } from './login-flow.ts';

const run = promisify(execFile);

export interface FlowInstructionCount {
  system: string;
  /** User-space instructions per login, all threads: provider, client app, and both. */
  provider: number;
  client: number;
  total: number;
  /** The same for the main threads alone (V8 runs single-threaded: this leaves out libuv's pool). */
  mainThread: { provider: number; client: number; total: number };
  /** The main threads without V8's optimizing compiler (see `CallgrindTotals.compiler`). */
  steady: { provider: number; client: number; total: number };
  logins: number;
}

export interface CountFlowInstructionsOptions {
  /** Logins before counting starts (JIT warm-up, start-up garbage collected). */
  warmupLogins: number;
  logins: number;
}

/**
 * The instructions callgrind counted for one process: the sum over its dumps (the one asked
 * for once counting is off, and the one at exit, if it got that far, which adds nothing).
 */
function collected(directory: string, side: string): CallgrindTotals {
  const files = readdirSync(directory).filter((name) => name.startsWith(`${side}.out`));
  const totals = callgrindTotals(files.map((name) => join(directory, name)));
  if (totals.all === 0)
    throw new Error(`${side}: callgrind wrote no count (${files.join(', ') || 'no file'})`);
  return totals;
}

/**
 * Instructions a login system's provider and client app execute per sequential "continue as"
 * login, both processes under valgrind's callgrind (counting switched on after the warm-up):
 * unlike logins per second, the count repeats whatever else the machine does. V8 runs
 * `--single-threaded`: with its compiler and GC on background threads, which valgrind runs
 * one at a time at its own pace, the count of the same system moved by up to 40 % between
 * runs (warm code or not yet); single-threaded it repeats within about 1 %. The warm-up must
 * be long enough for the code to be optimized (a few hundred logins were not: 40 % more).
 * Kernel work (sockets) is not counted. `start` gets the wrapper to run its processes
 * under; it must allow for valgrind's start-up (minutes) and its ~50x slowdown.
 */
export async function countFlowInstructions(
  start: (wrap: ProcessWrapper) => Promise<TwoProcessLoginSystem>,
  options: CountFlowInstructionsOptions,
): Promise<FlowInstructionCount> {
  const directory = mkdtempSync(join(tmpdir(), 'ssokit-bench-login-callgrind-'));
  const outFile = (side: string) => join(directory, `${side}.out`);
  const wrap: ProcessWrapper = (side) => ({
    command: [
      '/usr/bin/valgrind',
      '--tool=callgrind',
      // V8 writes and rewrites machine code at run time.
      '--smc-check=all-non-file',
      '--instr-atstart=no',
      '--separate-threads=yes',
      `--callgrind-out-file=${outFile(side)}`,
    ],
    nodeOptions: ['--single-threaded'],
  });
  try {
    const system = await start(wrap);
    const { provider, client } = system.processes;
    const account = benchAccount(0);
    const browser = new HttpBrowser();
    const login = async () => {
      browser.forget(system.clientOrigin);
      await system.continueAs(browser, account);
    };
    const control = (...args: string[]) =>
      Promise.all(
        [provider, client].map((child) => run('/usr/bin/callgrind_control', [...args, String(child.pid)])),
      );
    try {
      // Under valgrind the first logins, not yet compiled, can outlast a deadline: retried.
      for (let attempt = 0; ; attempt++) {
        try {
          await system.signIn(browser, account);
          break;
        } catch (error) {
          if (attempt >= 5) throw error;
        }
      }
      for (let i = 0; i < options.warmupLogins; i++) await login().catch(() => undefined);
      await login();
      await system.assertSignedIn(browser, account);
      await control('--instr=on');
      for (let i = 0; i < options.logins; i++) await login();
      await control('--instr=off');
      // Written now: a process killed at stop (slow under valgrind) writes nothing at exit.
      await control('--dump');
    } finally {
      await system.stop();
    }
    const providerCount = collected(directory, 'provider');
    const clientCount = collected(directory, 'client');
    const per = (count: number) => count / options.logins;
    return {
      system: system.name,
      provider: per(providerCount.all),
      client: per(clientCount.all),
      total: per(providerCount.all + clientCount.all),
      mainThread: {
        provider: per(providerCount.mainThread),
        client: per(clientCount.mainThread),
        total: per(providerCount.mainThread + clientCount.mainThread),
      },
      steady: {
        provider: per(providerCount.mainThread - providerCount.compiler),
        client: per(clientCount.mainThread - clientCount.compiler),
        total: per(
          providerCount.mainThread - providerCount.compiler + clientCount.mainThread - clientCount.compiler,
        ),
      },
      logins: options.logins,
    };
  } finally {
    // BENCH_KEEP_CALLGRIND=1 keeps the dumps, for callgrind_annotate.
    if (process.env.BENCH_KEEP_CALLGRIND === '1') console.error(`callgrind dumps kept in ${directory}`);
    else rmSync(directory, { recursive: true, force: true });
  }
}
