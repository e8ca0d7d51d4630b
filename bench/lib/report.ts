import { fmt } from './stats.ts';

/** A goal on one ratio, e.g. "in-memory route >= 0.85 of no-auth". */
export interface Goal {
  ratio: string;
  description: string;
  /** The ratio must be at least this much (throughput) … */
  atLeast?: number;
  /** … or at most this much (latency growth). */
  atMost?: number;
}

export interface GoalResult extends Goal {
  value: number | undefined;
  met: boolean | undefined;
}

/** One benchmark section: a markdown table, the ratios under stable names, and its goals. */
export interface SectionResult {
  title: string;
  /** What the figures mean, one or two sentences above the table. */
  intro: string;
  columns: string[];
  rows: string[][];
  /** Stable name (`route.ssokit-memory.rps`) -> ratio to the section's baseline. */
  ratios: Record<string, number>;
  goals: Goal[];
  /** Findings, profiles, skipped parts. */
  notes: string[];
}

export function checkGoals(section: SectionResult): GoalResult[] {
  return section.goals.map((goal) => {
    const value = section.ratios[goal.ratio];
    if (value === undefined || Number.isNaN(value)) return { ...goal, value: undefined, met: undefined };
    const met =
      (goal.atLeast === undefined || value >= goal.atLeast) &&
      (goal.atMost === undefined || value <= goal.atMost);
    return { ...goal, value, met };
  });
}

export function markdownTable(columns: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(columns), line(columns.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join(
    '\n',
  );
}

export function goalLine(goal: GoalResult): string {
  const verdict = goal.met === undefined ? 'not measured' : goal.met ? 'met' : '**missed**';
  const value = goal.value === undefined ? 'n/a' : fmt(goal.value, 3);
  return `- ${goal.description}: ${value} — ${verdict}`;
}

export function sectionMarkdown(section: SectionResult): string {
  const parts = [`## ${section.title}`, section.intro];
  if (section.rows.length > 0) parts.push(markdownTable(section.columns, section.rows));
  const goals = checkGoals(section);
  if (goals.length > 0) parts.push(['Goals:', ...goals.map(goalLine)].join('\n'));
  if (section.notes.length > 0) parts.push(section.notes.map((note) => `- ${note}`).join('\n'));
  return parts.join('\n\n');
}

/** "1,234 (0.912)": a figure with its ratio to the baseline. */
export function withRatio(value: number, ratioValue: number | undefined, digits = 0): string {
  return ratioValue === undefined ? fmt(value, digits) : `${fmt(value, digits)} (${fmt(ratioValue, 3)})`;
}
