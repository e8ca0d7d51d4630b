// `npm run bench [-- --quick] [-- --json] [-- --only=route,login,observability,signing,growth,memory]`:
// runs the benchmarks, writes bench/RESULTS.md, prints a summary (or one JSON object).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { growthSection } from './growth/growth-section.ts';
import { startChildrenFromBundle } from './lib/child-process.ts';
import { closeBrowserConnections } from './lib/http-browser.ts';
import { type KeptSection, keptSections } from './lib/kept-sections.ts';
import { machineInfo } from './lib/machine-info.ts';
import { progress as log } from './lib/progress.ts';
import { checkGoals, goalLine, type SectionResult, sectionMarkdown } from './lib/report.ts';
import { runCpuSeconds } from './lib/run-cpu.ts';
import { loginSection } from './login/login-section.ts';
import { observabilitySection } from './login/observability-section.ts';
import { startSsokitLoginSystem } from './login/ssokit-login-system.ts';
import { memorySection } from './memory/memory-section.ts';
import { canCountInstructions } from './route/count-instructions.ts';
import { routeSection } from './route/route-section.ts';
import { signVerifySection } from './signing/sign-verify-section.ts';

const SECTIONS = ['route', 'login', 'observability', 'signing', 'growth', 'memory'] as const;
type SectionName = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: npm run bench -- [--quick] [--json] [--only=route,login,observability,signing,growth,memory]\n' +
      '  --quick  a smaller run (under a minute): shorter loads, 1k/10k growth sizes\n' +
      '  --json   print one JSON object (every ratio under a stable name) instead of the summary\n',
  );
  process.exit(0);
}
const quick = values.quick === true;
const only = values.only?.split(',').map((s) => s.trim()) as SectionName[] | undefined;
for (const name of only ?? []) {
  if (!SECTIONS.includes(name)) throw new Error(`unknown section "${name}"; known: ${SECTIONS.join(', ')}`);
}
const wanted = (name: SectionName) => only === undefined || only.includes(name);

const started = new Date();
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
// A quick run starts its children from a bundle (start-up is most of its time); a full run keeps
// tsx, so that the CPU profiles it takes name the source files.
if (quick) {
  const t0 = performance.now();
  // Loaded here only: a full run does without esbuild.
  const { bundleChildren } = await import('./lib/child-bundle.ts');
  const bundle = await bundleChildren(`${resultsDir}children-${process.pid}`);
  process.on('exit', bundle.remove);
  startChildrenFromBundle(bundle.entries);
  log(`child processes bundled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const sections: SectionResult[] = [];
const run = async (name: SectionName, produce: () => Promise<SectionResult>) => {
  if (!wanted(name)) return;
  log(`${name}…`);
  const t0 = performance.now();
  const cpu0 = runCpuSeconds();
  try {
    sections.push(await produce());
  } catch (error) {
    // One broken section must not lose the others' figures.
    log(`${name} failed: ${(error as Error).stack ?? error}`);
    sections.push({
      title: name,
      intro: '',
      columns: [],
      rows: [],
      ratios: {},
      goals: [],
      notes: [`failed: ${(error as Error).message}`],
    });
  }
  log(
    `${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
      `(CPU ${(runCpuSeconds() - cpu0).toFixed(1)} s, this process and its children)`,
  );
};

await run('route', () =>
  routeSection(
    quick
      ? { connections: 50, durationSeconds: 1, warmupSeconds: 0.5, rounds: 1, profile: false }
      : {
          connections: 50,
          durationSeconds: 10,
          warmupSeconds: 3,
          rounds: 3,
          profile: true,
          instructions: { warmupRequests: 5000, requests: 8000, connections: 10 },
        },
  ),
);
await run('login', async () =>
  loginSection({
    durationSeconds: quick ? 0.7 : 8,
    // "continue as": about 3,000 logins at 16 at once (OIDC was still warming up after 160).
    warmupLogins: quick ? { 'continue-as': 0, password: 0 } : { 'continue-as': 200, password: 10 },
    rounds: quick ? 1 : 2,
    concurrency: 16,
    startSsokit: (framework, wrap) => startSsokitLoginSystem({ framework, ...(wrap ? { wrap } : {}) }),
    frameworks: ['express', 'fastify', 'hono', 'fetch'],
    profile: !quick,
    // The fastest adapter only: a count takes several minutes (the others: bench/login/count-logins-cli.ts).
    ...(quick ? {} : { instructions: { warmupLogins: 1000, logins: 100, frameworks: ['fastify'] } }),
  }),
);
await run('observability', () =>
  observabilitySection({
    durationSeconds: quick ? 0.7 : 8,
    warmupLogins: quick ? 0 : 10,
    // Five: a password login's figure swings by ±5 % from round to round (argon2 in libuv's
    // pool, the two cores shared with the client app and the browsers).
    rounds: quick ? 1 : 5,
    concurrency: 16,
    ...(quick || !canCountInstructions()
      ? {}
      : {
          instructions: {
            warmupLogins: { 'continue-as': 1000, password: 100 },
            logins: { 'continue-as': 200, password: 40 },
            concurrency: 2,
          },
        }),
  }),
);
await run('signing', () => signVerifySection(quick));
await run('growth', () => growthSection({ quick }));
await run('memory', () => memorySection({ quick }));
closeBrowserConnections();

const machine = machineInfo();
const ratios = Object.assign({}, ...sections.map((s) => s.ratios)) as Record<string, number>;
const goals = sections.flatMap(checkGoals);

// A run of some sections (`--only`) keeps the other sections of RESULTS.md as they are written
// (hand-added notes too), each marked with when it ran; the data of every run is kept in
// bench/results/ (git-ignored), so a fresh clone has only RESULTS.md to keep them from.
type SavedSection = SectionResult & { ranAt: string; quick: boolean };
const stamped: SavedSection[] = sections.map((section) => ({
  ...section,
  ranAt: started.toISOString(),
  quick,
}));
type Shown = { fresh: SavedSection } | { kept: KeptSection };
const resultsPath = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
let shown: Shown[] = stamped.map((fresh) => ({ fresh }));
if (only !== undefined && existsSync(resultsPath)) {
  const fresh = new Map(stamped.map((section) => [section.title, section]));
  shown = keptSections(readFileSync(resultsPath, 'utf8')).map((kept) => {
    const again = fresh.get(kept.title);
    return again === undefined ? { kept } : { fresh: again };
  });
  for (const section of stamped) {
    if (!shown.some((entry) => 'fresh' in entry && entry.fresh === section)) shown.push({ fresh: section });
  }
}
const describeRun = (entry: Shown) =>
  'kept' in entry
    ? (entry.kept.ranAt ?? 'an earlier run')
    : `${entry.fresh.ranAt}${entry.fresh.quick ? ' with `--quick` (short loads, small sizes: indicative only)' : ''}`;
const dates = [...new Set(shown.map(describeRun))];
const titleOf = (entry: Shown) => ('kept' in entry ? entry.kept.title : entry.fresh.title);
const markdown = [
  '# Benchmark results',
  (dates.length === 1
    ? `Run ${dates[0]}, finished in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s.`
    : `Sections from several runs: ${shown.map((entry) => `${titleOf(entry)}: ${describeRun(entry)}`).join('; ')}.`) +
    ' Written by `npm run bench`; see bench/README.md.',
  `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}. ` +
    `Packages: ${Object.entries(machine.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}.`,
  `## Goals\n\n${shown
    .flatMap((entry) => ('kept' in entry ? entry.kept.goalLines : checkGoals(entry.fresh).map(goalLine)))
    .join('\n')}`,
  ...shown.map((entry) => ('kept' in entry ? entry.kept.markdown : sectionMarkdown(entry.fresh))),
].join('\n\n');
writeFileSync(resultsPath, `${markdown}\n`);
writeFileSync(
  `${resultsDir}run-${started.toISOString().replaceAll(':', '-')}.json`,
  JSON.stringify({ date: started.toISOString(), quick, machine, sections: stamped }, null, 2),
);
log(
  `wrote bench/RESULTS.md; the run took ${(performance.now() / 1000).toFixed(0)} s, ` +
    `CPU ${runCpuSeconds().toFixed(0)} s (this process and its children)`,
);

if (values.json) {
  process.stdout.write(
    `${JSON.stringify({
      date: started.toISOString(),
      quick,
      machine,
      ratios,
      goals: Object.fromEntries(goals.map((g) => [g.ratio, { value: g.value ?? null, met: g.met ?? null }])),
    })}\n`,
  );
} else {
  process.stdout.write(`${goals.map(goalLine).join('\n')}\n\nFull tables: bench/RESULTS.md\n`);
}
