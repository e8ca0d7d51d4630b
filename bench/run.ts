// `npm run bench [-- --quick] [-- --json] [-- --only=route,login,signing,growth,memory]`:
// runs the benchmarks, writes bench/RESULTS.md, prints a summary (or one JSON object).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { growthSection } from './growth/growth-section.ts';
import { closeBrowserConnections } from './lib/http-browser.ts';
import { machineInfo } from './lib/machine-info.ts';
import { progress as log } from './lib/progress.ts';
import { checkGoals, goalLine, type SectionResult, sectionMarkdown } from './lib/report.ts';
import { loginSection } from './login/login-section.ts';
import { startSsokitLoginSystem } from './login/ssokit-login-system.ts';
import { memorySection } from './memory/memory-section.ts';
import { routeSection } from './route/route-section.ts';
import { signVerifySection } from './signing/sign-verify-section.ts';

const SECTIONS = ['route', 'login', 'signing', 'growth', 'memory'] as const;
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
    'usage: npm run bench -- [--quick] [--json] [--only=route,login,signing,growth,memory]\n' +
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
const sections: SectionResult[] = [];
const run = async (name: SectionName, produce: () => Promise<SectionResult>) => {
  if (!wanted(name)) return;
  log(`${name}…`);
  const t0 = performance.now();
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
  log(`${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
};

await run('route', () =>
  routeSection(
    quick
      ? { connections: 50, durationSeconds: 1, warmupSeconds: 0.5, rounds: 1, profile: false }
      : { connections: 50, durationSeconds: 10, warmupSeconds: 3, rounds: 3, profile: true },
  ),
);
await run('login', async () =>
  loginSection({
    durationSeconds: quick ? 0.7 : 8,
    warmupLogins: quick ? 1 : 10,
    rounds: quick ? 1 : 2,
    concurrency: 16,
    startSsokit: () => startSsokitLoginSystem(),
    profile: !quick,
  }),
);
await run('signing', () => signVerifySection(quick));
await run('growth', () => growthSection({ quick }));
await run('memory', () => memorySection({ quick }));
closeBrowserConnections();

const machine = machineInfo();
const ratios = Object.assign({}, ...sections.map((s) => s.ratios)) as Record<string, number>;
const goals = sections.flatMap(checkGoals);
const markdown = [
  '# Benchmark results',
  `Run ${started.toISOString()}${quick ? ' with `--quick` (short loads, small sizes: indicative only)' : ''}, ` +
    `finished in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s. Written by \`npm run bench\`; see bench/README.md.`,
  `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}. ` +
    `Packages: ${Object.entries(machine.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}.`,
  `## Goals\n\n${goals.map(goalLine).join('\n')}`,
  ...sections.map(sectionMarkdown),
].join('\n\n');
writeFileSync(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), `${markdown}\n`);
// Every section as data too (git-ignored), to rebuild or compare tables later.
mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
writeFileSync(
  fileURLToPath(new URL(`./results/run-${started.toISOString().replaceAll(':', '-')}.json`, import.meta.url)),
  JSON.stringify({ date: started.toISOString(), quick, machine, sections }, null, 2),
);
log('wrote bench/RESULTS.md');

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
