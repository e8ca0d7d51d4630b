import type { LoginRecord } from './login-flow.ts';
import type { StepResult } from './site-browser.ts';

/** `503 at callback (client-b)`, `reset at form post (provider-1)`. */
export function describeStep(step: StepResult): string {
  return `${step.outcome} at ${step.step} (${step.backend})`;
}

export function describeLogin(login: LoginRecord): string {
  return login.failure === undefined ? 'completed' : `failed: ${describeStep(login.failure)}`;
}

/** Counts by label, the most frequent first. */
export function countBy<T>(items: Iterable<T>, label: (item: T) => string): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(label(item), (counts.get(label(item)) ?? 0) + 1);
  return [...counts].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
}

/** Every answer (or missing answer) of every step of these logins. */
export function allSteps(logins: LoginRecord[]): StepResult[] {
  return logins.flatMap((login) => login.steps);
}

/** Steps that answered 500, which a clear error never is. */
export function count500(steps: StepResult[]): number {
  return steps.filter((step) => step.outcome === 500).length;
}

/** Steps without an HTTP answer from a process that was not killed. */
export function unanswered(steps: StepResult[], killed: ReadonlySet<string> = new Set()): StepResult[] {
  return steps.filter((step) => typeof step.outcome !== 'number' && !killed.has(step.backend));
}

export function slowest(steps: StepResult[]): number {
  return steps.reduce((max, step) => Math.max(max, step.ms), 0);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

export const ms = (value: number) => `${Math.round(value)} ms`;

/** A note on the first few requests without an answer (what the browser saw, how long it waited). */
export function unansweredNote(steps: StepResult[], killed: ReadonlySet<string> = new Set()): string[] {
  const missing = unanswered(steps, killed);
  if (missing.length === 0) return [];
  const shown = missing
    .slice(0, 3)
    .map((step) => `${describeStep(step)} after ${Math.round(step.ms)} ms: ${step.detail ?? '?'}`);
  return [`requests without an answer: ${shown.join('; ')}${missing.length > 3 ? '; …' : ''}`];
}
