/** Progress lines on stderr (stdout stays free for `--json`). */
export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Seconds since `startedAt` (a `performance.now()` reading), for progress lines. */
export function secondsSince(startedAt: number): string {
  return `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
}
