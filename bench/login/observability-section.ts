import { canPin, withAffinity } from '../lib/cpu-affinity.ts';
import type { SectionResult } from '../lib/report.ts';
import { fmt, median, ratio } from '../lib/stats.ts';
import {
  countLoginInstructions,
  type LoginInstructionOptions,
  type LoginInstructions,
} from './count-login-instructions.ts';
import type { RunningLoginSystem } from './login-flow.ts';
import { type LoginMeasurement, type LoginMode, measureLogins } from './measure-logins.ts';
import { measureLoginsTogether } from './measure-logins-together.ts';
import { startProviderAloneSystem } from './provider-alone-system.ts';
import {
  createProviderProductionStores,
  type ProviderProductionStores,
} from './provider-production-stores.ts';
import { startSsokitLoginSystem } from './ssokit-login-system.ts';
import type { SsokitProviderServerConfig } from './ssokit-provider-server.ts';

export interface ObservabilitySectionOptions {
  durationSeconds: number;
  warmupLogins: number;
  rounds: number;
  concurrency: number;
  /** The provider's instructions per login under callgrind, on and off at once (left out: none). */
  instructions?: LoginInstructionOptions;
}

const MODES: LoginMode[] = ['continue-as', 'password'];
const VARIANTS = [
  ['on', true],
  ['off', false],
] as const;
type Variant = (typeof VARIANTS)[number][0];

/** One figure's windows: each variant's measurements, and each round's on / off. */
interface PairedSamples {
  runs: Record<Variant, LoginMeasurement[]>;
  pairRatios: number[];
}

/** Runs `round` `rounds` times and keeps each variant's windows and each round's on / off. */
async function collectRounds(
  rounds: number,
  round: (index: number) => Promise<Record<Variant, LoginMeasurement>>,
): Promise<PairedSamples> {
  const runs: Record<Variant, LoginMeasurement[]> = { on: [], off: [] };
  const pairRatios: number[] = [];
  for (let index = 0; index < rounds; index++) {
    const { on, off } = await round(index);
    runs.on.push(on);
    runs.off.push(off);
    pairRatios.push(ratio(on.loginsPerSecond, off.loginsPerSecond));
  }
  return { runs, pairRatios };
}

/**
 * Measures `figure` on both systems back to back, `rounds` times, the first of each pair
 * alternating (on-off, off-on, …): this VM's speed drifts by ±20 % within minutes, so a ratio of
 * two windows minutes apart (the whole "on" run, then the whole "off" run) measured the drift as
 * much as the cost. The figure is the median of the rounds' paired ratios.
 */
function measurePaired(
  rounds: number,
  figure: (variant: Variant) => Promise<LoginMeasurement>,
): Promise<PairedSamples> {
  return collectRounds(rounds, async (index) => {
    if (index % 2 === 0) {
      const on = await figure('on');
      return { on, off: await figure('off') };
    }
    const off = await figure('off');
    return { on: await figure('on'), off };
  });
}

/**
 * Both variants in the same windows, `rounds` times (`measureLoginsTogether`): the providers
 * share one core, so the ratio of their logins is the ratio of what each gets done with the
 * same share of it, at the same moment. Paired windows, one after the other, left this figure
 * moving by ±15 % from round to round and, on-off then off-on, favouring whichever system had
 * been idle (bench/README.md); together, rounds agree within a few per cent.
 */
function measureTogether(
  rounds: number,
  systems: Record<Variant, RunningLoginSystem>,
  options: Parameters<typeof measureLoginsTogether>[1],
): Promise<PairedSamples> {
  return collectRounds(rounds, async () => {
    const [on, off] = await measureLoginsTogether([systems.on, systems.off], options);
    return { on, off };
  });
}

/** Both variants' systems up at once, for the paired windows; stopped whatever happens. */
async function withBothSystems<System extends { stop(): Promise<void> }, Result>(
  start: (observability: boolean) => Promise<System>,
  use: (systems: Record<Variant, System>) => Promise<Result>,
): Promise<Result> {
  const on = await start(true);
  try {
    const off = await start(false);
    try {
      return await use({ on, off });
    } finally {
      await off.stop();
    }
  } finally {
    await on.stop();
  }
}

/**
 * ssokit logins per second with the provider's metrics and audit trail on (prom-client
 * counters and timings, one audit log line and SQL row per event) against the same system
 * with both off: both systems up at once, each figure measured in on / off pairs.
 */
export async function observabilitySection(options: ObservabilitySectionOptions): Promise<SectionResult> {
  const samples = new Map<string, PairedSamples>();
  const notes: string[] = [];
  const aloneConcurrency = Math.max(1, Math.floor(options.concurrency / 2));
  const measure = (system: RunningLoginSystem, mode: LoginMode, concurrency: number) =>
    measureLogins(system, {
      mode,
      concurrency,
      durationSeconds: options.durationSeconds,
      warmupLogins: options.warmupLogins,
    });
  await withBothSystems(
    (observability) => startSsokitLoginSystem({ provider: { observability } }),
    async (systems) => {
      for (const mode of MODES) {
        for (const concurrency of [1, options.concurrency]) {
          const paired = await measurePaired(options.rounds, (variant) =>
            measure(systems[variant], mode, concurrency),
          );
          samples.set(`${mode}/${concurrency}`, paired);
        }
      }
    },
  );
  // The provider alone on core 1, the bench process (browsers and client app) on core 0: on the
  // bench provider's stores (SQLite in memory, its in-memory key-value store), then on PostgreSQL
  // and Redis.
  if (canPin()) {
    const alone = (providerStores: (variant: Variant) => SsokitProviderServerConfig) =>
      withBothSystems(
        (observability) =>
          startProviderAloneSystem({
            provider: { ...providerStores(observability ? 'on' : 'off'), observability },
          }),
        (systems) =>
          withAffinity([[process.pid, '0']], () =>
            measureTogether(options.rounds, systems, {
              mode: 'continue-as',
              // Half the browsers a system: the provider's core serves as many as the other figures.
              concurrency: aloneConcurrency,
              durationSeconds: options.durationSeconds,
              warmupLogins: options.warmupLogins,
            }),
          ),
      );
    samples.set('alone', await alone(() => ({})));
    const production: Partial<Record<Variant, ProviderProductionStores>> = {};
    try {
      production.on = await createProviderProductionStores('obs_on');
      production.off = await createProviderProductionStores('obs_off');
      samples.set('alone-production', await alone((variant) => production[variant]?.config ?? {}));
    } catch (error) {
      notes.push(`Provider alone on PostgreSQL + Redis: not measured (${(error as Error).message}).`);
    } finally {
      await production.on?.drop();
      await production.off?.drop();
    }
  }
  // Both counts in the same run, side by side (valgrind runs a process on one core).
  const counted =
    options.instructions === undefined
      ? undefined
      : await Promise.all(
          VARIANTS.map(([, observability]) =>
            countLoginInstructions({ observability }, options.instructions as LoginInstructionOptions),
          ),
        );
  /** Each variant's median window, and the median of the paired ratios. */
  const pick = (key: string) => {
    const paired = samples.get(key) ?? { runs: { on: [], off: [] }, pairRatios: [] };
    const side = (runs: LoginMeasurement[]) => ({
      loginsPerSecond: median(runs.map((r) => r.loginsPerSecond)),
      providerCpuMicros: median(runs.map((r) => r.providerCpuMicros)),
      failures: runs.reduce((sum, r) => sum + r.failures, 0),
    });
    return { on: side(paired.runs.on), off: side(paired.runs.off), throughput: median(paired.pairRatios) };
  };
  const rows: string[][] = [];
  const ratios: Record<string, number> = {};
  for (const mode of MODES) {
    for (const concurrency of [1, options.concurrency]) {
      const { on, off, throughput } = pick(`${mode}/${concurrency}`);
      const name = `${mode}.${concurrency === 1 ? 'sequential' : 'concurrent'}`;
      const cpu = ratio(on.providerCpuMicros, off.providerCpuMicros);
      ratios[`observability.${name}`] = throughput;
      ratios[`observability.${name}.provider-cpu`] = cpu;
      if (on.failures + off.failures > 0)
        notes.push(`${name}: ${on.failures} + ${off.failures} failed logins`);
      rows.push([
        `${mode}, ${concurrency === 1 ? 'sequential' : `${concurrency} at once`}`,
        fmt(on.loginsPerSecond, 1),
        fmt(off.loginsPerSecond, 1),
        fmt(throughput, 2),
        `${fmt(on.providerCpuMicros / 1000, 2)} / ${fmt(off.providerCpuMicros / 1000, 2)}`,
        fmt(cpu, 2),
      ]);
    }
  }
  for (const [key, label, ratioName] of [
    ['alone', 'provider alone', 'provider-alone'],
    ['alone-production', 'provider alone on PostgreSQL + Redis', 'provider-alone-postgres-redis'],
  ] as const) {
    const { on: aloneOn, off: aloneOff, throughput } = pick(key);
    if (!(aloneOn.loginsPerSecond > 0 && aloneOff.loginsPerSecond > 0)) continue;
    const cpu = ratio(aloneOn.providerCpuMicros, aloneOff.providerCpuMicros);
    ratios[`observability.${ratioName}.continue-as.concurrent`] = throughput;
    ratios[`observability.${ratioName}.continue-as.concurrent.provider-cpu`] = cpu;
    if (aloneOn.failures + aloneOff.failures > 0)
      notes.push(`${label}: ${aloneOn.failures} + ${aloneOff.failures} failed logins`);
    // How much of their shared core the two providers used: near 1, they bound the logins.
    const coreShare = (m: typeof aloneOn) => (m.providerCpuMicros * m.loginsPerSecond) / 1e6;
    notes.push(
      `Shared core busy, ${label}: ${fmt(coreShare(aloneOn) + coreShare(aloneOff), 2)} of the time ` +
        `(on ${fmt(coreShare(aloneOn), 2)}, off ${fmt(coreShare(aloneOff), 2)}).`,
    );
    rows.push([
      `continue-as, ${aloneConcurrency} at once a system, ${label}, both at once`,
      fmt(aloneOn.loginsPerSecond, 1),
      fmt(aloneOff.loginsPerSecond, 1),
      fmt(throughput, 2),
      `${fmt(aloneOn.providerCpuMicros / 1000, 2)} / ${fmt(aloneOff.providerCpuMicros / 1000, 2)}`,
      fmt(cpu, 2),
    ]);
  }
  if (counted !== undefined) {
    const [on, off] = counted as [LoginInstructions, LoginInstructions];
    for (const mode of MODES) {
      for (const [threads, label] of [
        ['all', 'all threads'],
        ['mainThread', 'main thread'],
        ['steady', "main thread without V8's optimizing compiler"],
      ] as const) {
        // Off / on: like the throughput, 1 is no cost and lower is worse.
        const instructions = ratio(off[mode][threads], on[mode][threads]);
        const suffix = { all: '', mainThread: '.main-thread', steady: '.steady' }[threads];
        ratios[`observability.${mode}.instructions${suffix}`] = instructions;
        rows.push([
          `${mode}, instructions/login (callgrind, ${label})`,
          `${fmt(on[mode][threads] / 1e6, 2)}M`,
          `${fmt(off[mode][threads] / 1e6, 2)}M`,
          fmt(instructions, 3),
          '',
          '',
        ]);
      }
    }
  }
  return {
    title: 'Provider metrics and audit trail (on vs off)',
    intro:
      "ssokit logins per second with the provider's Prometheus metrics and audit trail on (per-provider " +
      'registry, store and HTTP timings, one batched SQL row per audited event: three per ' +
      'login) as a ratio to the same system with both off; otherwise as the login section. ' +
      `Both systems up at once; each figure ${options.rounds} round(s) of an on and an off window of ` +
      `${options.durationSeconds} s back to back, the first of each pair alternating; logins/s are ` +
      "each side's median window, the ratio the median of the rounds' paired ratios. " +
      '*provider alone*: the two providers (on and off) on core 1 and the bench process alone on core 0, ' +
      'playing the browsers and the client app (its two signed calls); both providers loaded in the same ' +
      `windows (${options.rounds} of ${options.durationSeconds} s), half the browsers each, so the ratio is ` +
      "what each gets done with the same share of the core at the same moment: the provider's own cost; " +
      "on the bench provider's stores (SQLite in memory and its in-memory key-value store, both inside " +
      'its process), then on PostgreSQL and Redis (a database of its own each, created for the run), the production ' +
      "deployment of docs/deploy.md, where the SQL and key-value work runs in those servers' processes." +
      (options.instructions === undefined
        ? ''
        : ` Instructions/login: the provider under valgrind callgrind, on and off side by side, ` +
          `${options.instructions.warmupLogins['continue-as']} "continue as" and ` +
          `${options.instructions.warmupLogins.password} password warm-up logins per browser, then ` +
          `${options.instructions.logins['continue-as']} and ${options.instructions.logins.password} counted, ` +
          `${options.instructions.concurrency} browsers at once; the ratio is off / on (1 = no cost); ` +
          'V8 single-threaded (its compiler and GC on the main thread, so the count repeats), the audit ' +
          "batch interval scaled by valgrind's slowdown; the main thread leaves out libuv's pool " +
          '(argon2) (see bench/README.md).'),
    columns: ['mode', 'on logins/s', 'off logins/s', 'ratio', 'provider CPU ms/login on / off', 'CPU ratio'],
    rows,
    ratios,
    goals: [
      ...(counted === undefined
        ? []
        : [
            {
              // The main thread's count: all threads add libuv's pool (argon2 in password logins).
              ratio: 'observability.continue-as.instructions.main-thread',
              description: 'continue-as, provider main-thread instructions per login: off / on >= 0.95',
              atLeast: 0.95,
            },
          ]),
      {
        ratio: 'observability.continue-as.concurrent',
        description: 'continue-as, concurrent: metrics + audit on >= 0.95x off',
        atLeast: 0.95,
      },
      {
        ratio: 'observability.password.concurrent',
        description: 'password, concurrent: metrics + audit on >= 0.95x off',
        atLeast: 0.95,
      },
      {
        // Where the provider bounds the logins: its own login throughput.
        ratio: 'observability.provider-alone.continue-as.concurrent',
        description: 'continue-as, provider alone (both in the same windows): on >= 0.95x off',
        atLeast: 0.95,
      },
    ],
    notes,
  };
}
