/**
 * Progress lines on stderr (stdout stays free for `--json`), each with the seconds since the
 * bench process started: where a run's time goes.
 */
export function progress(line: string): void {
  process.stderr.write(`[bench +${(performance.now() / 1000).toFixed(1)}] ${line}\n`);
}

/** Seconds since `startedAt` (a `performance.now()` reading), for progress lines. */
export function secondsSince(startedAt: number): string {
  return `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
}
