import { fileURLToPath } from 'node:url';
import { nextMessage, spawnPinned, stopChild } from '../lib/child-process.ts';
import { canPin, withAffinity } from '../lib/cpu-affinity.ts';
import { checkGoals, type SectionResult } from '../lib/report.ts';
import { fmt, median, ratio } from '../lib/stats.ts';
import { canCountInstructions } from '../route/count-instructions.ts';
import type { BenchFramework } from '../ssokit/ssokit-framework-apps.ts';
import {
  type CountFlowInstructionsOptions,
  countFlowInstructions,
  type FlowInstructionCount,
} from './count-flow-instructions.ts';
import type { ProcessWrapper, TwoProcessLoginSystem } from './login-flow.ts';
import { type LoginMeasurement, type LoginMode, measureLogins } from './measure-logins.ts';
import { startOidcLoginSystem } from './oidc-login-system.ts';
import { profileLogins } from './profile-logins.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface LoginSectionOptions {
  durationSeconds: number;
  /**
   * Logins per browser before each figure is timed. OIDC's code turns hot slowly: after 10
   * "continue as" logins per browser its throughput was still a quarter below the warm one.
   */
  warmupLogins: Record<LoginMode, number>;
  rounds: number;
  concurrency: number;
  /** Starts ssokit's provider and client app through an adapter; undefined while not available. */
  startSsokit:
    | ((framework: BenchFramework, wrap?: ProcessWrapper) => Promise<TwoProcessLoginSystem>)
    | undefined;
  /** The client adapters measured, each against the same OIDC baseline. */
  frameworks: BenchFramework[];
  /** Profile both systems when a goal is missed. */
  profile: boolean;
  /**
   * Also count instructions per "continue as" login under callgrind (several minutes a system),
   * OIDC's and ssokit's through `frameworks` (the adapters to count).
   */
  instructions?: CountFlowInstructionsOptions & { frameworks: BenchFramework[] };
}

const MODES: LoginMode[] = ['continue-as', 'password'];

interface Argon2Timing {
  sequentialMs: number;
  concurrentPerSecond: number;
}

/**
 * Starts the argon2 timing process: `ready` once it has started (and hashed), it measures when
 * `measure` is called.
 */
function startArgon2Timing(quick: boolean): {
  ready: Promise<unknown>;
  measure(): Promise<Argon2Timing>;
  stop(): Promise<void>;
} {
  const child = spawnPinned(here('./argon2-timing.ts'), quick ? ['5', '16'] : ['30', '64'], 1);
  const ready = nextMessage(child, 'ready', 120_000);
  ready.catch(() => undefined);
  return {
    ready,
    async measure() {
      await ready;
      child.send({ type: 'go' });
      return nextMessage<{ type: 'result' } & Argon2Timing>(child, 'result', 120_000);
    },
    stop: () => stopChild(child),
  };
}

type Key = `${string}/${LoginMode}/${number}` | `${string}/${LoginMode}/${number}/one-core`;

/** A system's figures for one row: medians over the rounds, logins and failures summed. */
type Figures = Omit<LoginMeasurement, 'system' | 'mode' | 'concurrency'>;

function tableRow(label: string, framework: string, ssokit: Figures, oidc: Figures, r: number): string[] {
  const ms = (micros: number) => fmt(micros / 1000, 2);
  const cpu = (m: Figures) => `${ms(m.providerCpuMicros)} + ${ms(m.clientCpuMicros)}`;
  return [
    label,
    framework,
    fmt(ssokit.loginsPerSecond, 1),
    fmt(oidc.loginsPerSecond, 1),
    fmt(r, 2),
    `${fmt(ssokit.p50Ms, 1)} / ${fmt(ssokit.p99Ms, 1)}`,
    `${fmt(oidc.p50Ms, 1)} / ${fmt(oidc.p99Ms, 1)}`,
    cpu(ssokit),
    cpu(oidc),
    `${ms(ssokit.browserCpuMicros)} / ${ms(oidc.browserCpuMicros)}`,
  ];
}

/**
 * Runs `work` with both of the system's processes on core 1 and the bench process (the
 * browsers) alone on core 0: the system under test has one core, the load its own, as in the
 * route section. In the usual layout (a core per process) the browsers take their CPU time from
 * the two servers' cores; on one core, each hop between the servers is a context switch.
 */
function onOneCore<T>(system: TwoProcessLoginSystem, work: () => Promise<T>): Promise<T> {
  const pids = [system.processes.provider.pid, system.processes.client.pid] as number[];
  return withAffinity([[process.pid, '0'], ...pids.map((pid) => [pid, '1'] as const)], work);
}

/**
 * Logins per second, ssokit against oidc-provider + openid-client, one system at a time (its
 * two processes pinned to the two cores), rounds alternating between the systems.
 */
export async function loginSection(options: LoginSectionOptions): Promise<SectionResult> {
  const { startSsokit } = options;
  const frameworks = startSsokit === undefined ? [] : options.frameworks;
  // Called for the frameworks only, which are none without startSsokit.
  const startAdapter = (framework: BenchFramework, wrap?: ProcessWrapper) =>
    (startSsokit as NonNullable<typeof startSsokit>)(framework, wrap);
  const starters: Array<[string, () => Promise<TwoProcessLoginSystem>]> = [
    ...frameworks.map(
      (framework) =>
        [framework, () => startAdapter(framework)] as [string, () => Promise<TwoProcessLoginSystem>],
    ),
    ['oidc', () => startOidcLoginSystem()],
  ];
  const samples = new Map<Key, LoginMeasurement[]>();
  const argon2Timing = startArgon2Timing(options.durationSeconds < 3);
  // Each system stops while the next one starts, and the argon2 timing process starts with
  // the first: set-up and tear-down overlap, but no login is timed before the previous system
  // is gone and the timing process is idle.
  let stopping: Promise<unknown> = argon2Timing.ready;
  let argon2: Argon2Timing;
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const [id, start] of starters) {
        const [system] = await Promise.all([start(), stopping]);
        try {
          for (const mode of MODES) {
            for (const concurrency of [1, options.concurrency]) {
              const result = await measureLogins(system, {
                mode,
                concurrency,
                durationSeconds: options.durationSeconds,
                warmupLogins: options.warmupLogins[mode],
              });
              const key: Key = `${id}/${mode}/${concurrency}`;
              samples.set(key, [...(samples.get(key) ?? []), result]);
            }
          }
          if (canPin()) {
            const result = await onOneCore(system, () =>
              measureLogins(system, {
                mode: 'continue-as',
                concurrency: options.concurrency,
                durationSeconds: options.durationSeconds,
                warmupLogins: options.warmupLogins['continue-as'],
              }),
            );
            const key: Key = `${id}/continue-as/${options.concurrency}/one-core`;
            samples.set(key, [...(samples.get(key) ?? []), result]);
          }
        } finally {
          stopping = system.stop();
        }
      }
    }
    await stopping;
    argon2 = await argon2Timing.measure();
  } finally {
    await Promise.all([stopping, argon2Timing.stop()]);
  }

  const pick = (key: Key): Figures | undefined => {
    const runs = samples.get(key);
    if (runs === undefined) return undefined;
    return {
      loginsPerSecond: median(runs.map((r) => r.loginsPerSecond)),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      providerCpuMicros: median(runs.map((r) => r.providerCpuMicros)),
      clientCpuMicros: median(runs.map((r) => r.clientCpuMicros)),
      browserCpuMicros: median(runs.map((r) => r.browserCpuMicros)),
      failures: runs.reduce((sum, r) => sum + r.failures, 0),
      logins: runs.reduce((sum, r) => sum + r.logins, 0),
      firstFailure: runs.find((r) => r.firstFailure !== undefined)?.firstFailure,
    };
  };
  const ratios: Record<string, number> = {};
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const mode of MODES) {
    for (const concurrency of [1, options.concurrency]) {
      const oidc = pick(`oidc/${mode}/${concurrency}`);
      if (oidc === undefined) continue;
      const label = `${mode}, ${concurrency === 1 ? 'sequential' : `${concurrency} at once`}`;
      const ratioName = `${mode}.${concurrency === 1 ? 'sequential' : 'concurrent'}`;
      if (oidc.failures > 0) {
        notes.push(
          `OIDC, ${label}: ${oidc.failures} of ${oidc.failures + oidc.logins} logins failed; first: ${oidc.firstFailure}`,
        );
      }
      for (const framework of frameworks) {
        const ssokit = pick(`${framework}/${mode}/${concurrency}`);
        if (ssokit === undefined) continue;
        if (ssokit.failures > 0) {
          notes.push(
            `ssokit (${framework}), ${label}: ${ssokit.failures} of ${ssokit.failures + ssokit.logins} logins failed; first: ${ssokit.firstFailure}`,
          );
        }
        const r = ratio(ssokit.loginsPerSecond, oidc.loginsPerSecond);
        ratios[`login.${framework}.${ratioName}`] = r;
        // The goal is for the fastest adapter.
        ratios[`login.${ratioName}`] = Math.max(ratios[`login.${ratioName}`] ?? 0, r);
        rows.push(tableRow(label, framework, ssokit, oidc, r));
      }
    }
  }
  const oidcOneCore = pick(`oidc/continue-as/${options.concurrency}/one-core`);
  for (const framework of oidcOneCore === undefined ? [] : frameworks) {
    const ssokit = pick(`${framework}/continue-as/${options.concurrency}/one-core`);
    if (ssokit === undefined || oidcOneCore === undefined) continue;
    const r = ratio(ssokit.loginsPerSecond, oidcOneCore.loginsPerSecond);
    ratios[`login.${framework}.continue-as.concurrent.one-core`] = r;
    ratios['login.continue-as.concurrent.one-core'] = Math.max(
      ratios['login.continue-as.concurrent.one-core'] ?? 0,
      r,
    );
    rows.push(
      tableRow(
        `continue-as, ${options.concurrency} at once, both on one core`,
        framework,
        ssokit,
        oidcOneCore,
        r,
      ),
    );
  }
  const primary = frameworks[0] ?? 'express';
  const ssokitPasswordSeq = pick(`${primary}/password/1`);
  const ssokitPasswordConc = pick(`${primary}/password/${options.concurrency}`);
  notes.push(
    `argon2id verify alone (19 MiB, 2 passes, on the provider's core): ${fmt(argon2.sequentialMs, 1)} ms one at a time, ` +
      `${fmt(argon2.concurrentPerSecond, 1)}/s at most with ${options.concurrency} at once.`,
  );
  if (ssokitPasswordSeq !== undefined && ssokitPasswordConc !== undefined) {
    const seqShare = argon2.sequentialMs / ssokitPasswordSeq.p50Ms;
    const concShare = ssokitPasswordConc.loginsPerSecond / argon2.concurrentPerSecond;
    ratios['login.password.argon2-share.sequential'] = ratio(seqShare, 1);
    ratios['login.password.argon2-share.concurrent'] = ratio(concShare, 1);
    const oidcPasswordSeq = pick('oidc/password/1');
    if (oidcPasswordSeq !== undefined) {
      // Both sides pay the same hash; what is left is what the two systems do differently.
      ratios['login.password.sequential.without-hash'] = ratio(
        oidcPasswordSeq.p50Ms - argon2.sequentialMs,
        ssokitPasswordSeq.p50Ms - argon2.sequentialMs,
      );
    }
    notes.push(
      `The hash's share of an ssokit (${primary}) password login: ${fmt(seqShare * 100)} % of a sequential login's median time; ` +
        `at ${options.concurrency} at once the logins reach ${fmt(concShare * 100)} % of what the hash alone allows.`,
    );
  }
  if (options.instructions !== undefined && canCountInstructions()) {
    // A failed count (valgrind) must not lose the timed figures above.
    try {
      const counting = options.instructions;
      const oidc = await countFlowInstructions((wrap) => startOidcLoginSystem({ wrap }), counting);
      const counts: FlowInstructionCount[] = [oidc];
      for (const framework of counting.frameworks.filter((name) => frameworks.includes(name))) {
        const ssokit = await countFlowInstructions((wrap) => startAdapter(framework, wrap), counting);
        counts.push(ssokit);
        // Without V8's optimizing compiler: its bursts after the warm-up differ from run to run.
        const r = ratio(oidc.steady.total, ssokit.steady.total);
        ratios[`login.${framework}.continue-as.instructions`] = r;
        ratios['login.continue-as.instructions'] = Math.max(ratios['login.continue-as.instructions'] ?? 0, r);
      }
      const kilo = (n: number) => `${fmt(n / 1000, 0)}k`;
      notes.push(
        `Instructions per sequential continue-as login (provider + client app, both under callgrind, V8 single-threaded, ${counting.logins} logins after ${counting.warmupLogins} of warm-up): ` +
          counts
            .map(
              (c) =>
                `${c.system} ${kilo(c.provider)} + ${kilo(c.client)} = ${kilo(c.total)} (ratio ${fmt(oidc.total / c.total, 2)}; ` +
                `main threads ${kilo(c.mainThread.total)}, ratio ${fmt(oidc.mainThread.total / c.mainThread.total, 2)}; ` +
                `without V8's optimizing compiler ${kilo(c.steady.provider)} + ${kilo(c.steady.client)} = ${kilo(c.steady.total)}, ` +
                `ratio ${fmt(oidc.steady.total / c.steady.total, 2)})`,
            )
            .join('; ') +
          '.',
      );
    } catch (error) {
      notes.push(`Instructions per login: not counted (${(error as Error).message})`);
    }
  }
  if (options.startSsokit === undefined)
    notes.push('ssokit: not measured (provider or client app not available yet)');
  const section: SectionResult = {
    title: 'Login flow (headless browser over HTTP)',
    intro:
      'Whole logins per second, the bench process playing the browser (keep-alive, a cookie jar), provider pinned ' +
      'to core 1 and client app to core 0. *continue-as*: the browser is already signed in at the provider ' +
      '(ssokit: "Continue as" page + its `cwca=yes` POST; OIDC: an OP session and grant, `/auth` answers with a code at ' +
      'once). *password*: a browser without cookies signs in with username and password each time (argon2id ' +
      'on both sides). ssokit: login (signed `reqeusttoken/` call) -> provider page -> callback -> signed `authtoken/` call -> session. ' +
      'Baseline: oidc-provider + openid-client, code flow + PKCE, claims in the ID token (RS256), no userinfo. ' +
      `${options.durationSeconds} s per figure after ${options.warmupLogins['continue-as']} "continue as" / ` +
      `${options.warmupLogins.password} password logins per browser of warm-up, median of ${options.rounds} round(s). ` +
      'CPU ms per login: provider + client app; browser: the bench process, which shares the two cores with ' +
      'both (its own socket work included). *both on one core*: provider and client app on core 1, the bench ' +
      "process alone on core 0, as the route section keeps its load generator off the server's core.",
    columns: [
      'mode',
      'ssokit adapter',
      'ssokit logins/s',
      'OIDC logins/s',
      'ratio',
      'ssokit p50 / p99 ms',
      'OIDC p50 / p99 ms',
      'ssokit CPU ms/login',
      'OIDC CPU ms/login',
      'browser CPU ms/login, ssokit / OIDC',
    ],
    rows,
    ratios,
    goals: [
      {
        ratio: 'login.continue-as.sequential',
        description: 'continue-as, sequential: ssokit >= 3x OIDC',
        atLeast: 3,
      },
      {
        // The layout the goal was set in. The one-core rows are reported beside it: there each
        // hop between the two servers is a context switch, which costs a flow of more hops more.
        ratio: 'login.continue-as.concurrent',
        description: 'continue-as, concurrent: ssokit >= 3x OIDC',
        atLeast: 3,
      },
      {
        ratio: 'login.continue-as.instructions',
        description:
          "continue-as, instructions per login (callgrind, without V8's optimizing compiler): ssokit >= 3x fewer than OIDC",
        atLeast: 3,
      },
      {
        ratio: 'login.password.sequential.without-hash',
        description: 'password, sequential, hash time taken out of both: ssokit >= 3x OIDC',
        atLeast: 3,
      },
    ],
    notes,
  };
  if (
    options.profile &&
    startSsokit !== undefined &&
    checkGoals(section).some((goal) => goal.met === false)
  ) {
    section.notes.push(await profileLogins('ssokit', () => startAdapter(primary), 5));
    section.notes.push(await profileLogins('oidc', startOidcLoginSystem, 5));
  }
  return section;
}
