// `npm run reliability [-- --quick] [--only id,id] [--out FILE]`: starts the deployment of
// reliability/lib/cluster.ts, runs every scenario and writes the report (the full run writes
// docs/reliability.md; --quick prints it). Exits 1 when a goal is missed.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { markdownReport } from './lib/markdown-report.ts';
import { FULL, QUICK } from './lib/scenario.ts';
import { goalsMissed, runSuite } from './suite.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
  },
});
const size = values.quick ? QUICK : FULL;
const run = await runSuite(size, {
  ...(values.only === undefined ? {} : { only: values.only.split(',') }),
  progress: (line) => console.error(line),
});
const report = markdownReport(run);
const out =
  values.out ??
  (values.quick || values.only !== undefined
    ? undefined
    : new URL('../docs/reliability.md', import.meta.url).pathname);
if (out === undefined) console.log(report);
else {
  writeFileSync(out, `${report}\n`);
  // The repository's formatter lays out the tables, so `npm run lint` passes on the report.
  spawnSync('npx', ['biome', 'format', '--write', out], { stdio: 'ignore' });
  console.error(`report written to ${out}`);
}
const missed = goalsMissed(run);
for (const line of missed) console.error(`missed: ${line}`);
console.error(`${run.seconds.toFixed(0)} s, ${missed.length} goal(s) missed`);
process.exit(missed.length === 0 ? 0 : 1);
