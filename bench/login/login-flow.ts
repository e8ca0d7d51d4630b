import type { ChildProcess } from 'node:child_process';
import type { HttpBrowser } from '../lib/http-browser.ts';
import type { BenchAccount } from './bench-account.ts';

/**
 * One login system under test, running in its own processes (provider and client app), driven
 * by the bench process playing the browser (and, for the provider alone, the client app).
 */
export interface RunningLoginSystem {
  name: string;
  /** The provider's and the client app's processes, to read their CPU time (no client: the bench plays it). */
  processes: { provider: ChildProcess; client?: ChildProcess };
  /**
   * Signs the browser in at the provider with the password (and once at the client app),
   * the state of a browser that will "continue as" the signed-in account.
   */
  signIn(browser: HttpBrowser, account: BenchAccount): Promise<void>;
  /**
   * One login at the client app by a browser already signed in at the provider, ending when
   * the client app has started its session. The caller clears the client app's cookies first.
   */
  continueAs(browser: HttpBrowser, account: BenchAccount): Promise<void>;
  /** One login with username and password, in a browser with no cookies at all. */
  passwordLogin(browser: HttpBrowser, account: BenchAccount): Promise<void>;
  /** Checks that the browser is signed in at the client app (outside the timed part). */
  assertSignedIn(browser: HttpBrowser, account: BenchAccount): Promise<void>;
  /** The client app's origin, whose cookies a new login starts without. */
  clientOrigin: URL;
  stop(): Promise<void>;
}

/**
 * What each process of a login system runs under: a command (e.g. valgrind and its options)
 * and options for its Node.js (e.g. `--single-threaded`).
 */
export type ProcessWrapper = (side: 'provider' | 'client') => { command: string[]; nodeOptions: string[] };

/** Runs a process as it is. */
export const unwrapped: ProcessWrapper = () => ({ command: [], nodeOptions: [] });

/** A login system with both processes of its own: provider and client app. */
export type TwoProcessLoginSystem = RunningLoginSystem & {
  processes: { provider: ChildProcess; client: ChildProcess };
};
