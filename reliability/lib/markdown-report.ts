import { cpus } from 'node:os';
import type { SuiteRun } from '../suite.ts';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** docs/reliability.md: each scenario, how much was tried, what came back, what was lost. */
export function markdownReport(run: SuiteRun): string {
  const lines: string[] = [];
  const missed = run.results.reduce((n, r) => n + r.goals.filter((g) => !g.met).length, 0);
  lines.push('# Reliability', '');
  lines.push(
    `Written by \`npm run reliability${run.size.quick ? ' -- --quick' : ''}\` (reliability/run.ts) on ` +
      `${run.startedAt.toISOString()}, ${cpus().length} cores, Node ${process.versions.node}; ` +
      `${run.seconds.toFixed(0)} s in all. Every figure below comes from that run.`,
    '',
  );
  lines.push(
    'The deployment: 2 providers (`createProviderApp`) behind a TCP balancer and 2 client apps ' +
      '(examples/client-app) serving one origin, each a child process on its own port of 127.0.0.1; ' +
      "tokens, sessions and rate-limit counters in a Redis of the run's own (append-only file written on " +
      "every command, so it survives SIGKILL); accounts, client registrations and the client apps' users in " +
      "a PostgreSQL database of the run's own, reached through a proxy the suite can close or freeze. " +
      'Each simulated browser keeps one cookie jar per site and has its own address (`X-Forwarded-For`, ' +
      'the providers trust one hop). The database, the Redis and the processes are removed at the end.',
    '',
  );
  lines.push(
    missed === 0
      ? `**All goals met** (${run.results.length} scenarios).`
      : `**${missed} goal(s) missed** in ${run.results.filter((r) => r.goals.some((g) => !g.met)).length} of ${run.results.length} scenarios.`,
    '',
  );
  lines.push('| scenario | tried | lost | goals met | seconds |', '| --- | --- | --- | --- | --- |');
  for (const r of run.results) {
    const met = r.goals.filter((g) => g.met).length;
    lines.push(
      `| [${cell(r.title)}](#${r.id}) | ${cell(r.tried)} | ${cell(r.lost)} | ${met} of ${r.goals.length} | ${r.seconds.toFixed(0)} |`,
    );
  }
  lines.push('');
  for (const r of run.results) {
    lines.push(`<a id="${r.id}"></a>`, `## ${r.title}`, '');
    if (r.description) lines.push(r.description, '');
    lines.push(`Tried: ${r.tried}.`, '', `Lost: ${r.lost}.`, '');
    if (r.cameBack.length > 0) {
      lines.push('| what came back | count |', '| --- | --- |');
      for (const [label, count] of r.cameBack) lines.push(`| ${cell(label)} | ${count} |`);
      lines.push('');
    }
    lines.push('| goal | met | figure |', '| --- | --- | --- |');
    for (const g of r.goals)
      lines.push(`| ${cell(g.description)} | ${g.met ? 'yes' : '**no**'} | ${cell(g.figure)} |`);
    lines.push('');
    for (const note of r.notes) lines.push(`- ${note}`);
    if (r.notes.length > 0) lines.push('');
  }
  return lines.join('\n');
}
