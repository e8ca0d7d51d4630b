import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** util-linux's taskset, which also starts a program on given cores (`taskset -c 1 node …`). */
export const TASKSET = '/usr/bin/taskset';

/** Whether processes can be pinned here (util-linux's taskset). */
export function canPin(): boolean {
  return existsSync(TASKSET);
}

/** The cores a running process may use, as taskset lists them (`0,1`, `0-3`). */
export function affinityOf(pid: number): string {
  const answer = execFileSync(TASKSET, ['-p', '-c', String(pid)], { encoding: 'utf8' });
  const list = /:\s*(\S+)\s*$/.exec(answer)?.[1];
  if (list === undefined) throw new Error(`taskset answered ${JSON.stringify(answer)}`);
  return list;
}

/** Moves a running process, every thread of it, onto these cores (`1`, `0,1`). */
export function setAffinity(pid: number, cores: string): void {
  execFileSync(TASKSET, ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
}

/**
 * Runs `work` with these processes moved onto these cores, and puts each back where it was
 * afterwards (also when `work` fails).
 */
export async function withAffinity<T>(
  placements: ReadonlyArray<readonly [pid: number, cores: string]>,
  work: () => Promise<T>,
): Promise<T> {
  const before = placements.map(([pid]) => [pid, affinityOf(pid)] as const);
  try {
    for (const [pid, cores] of placements) setAffinity(pid, cores);
    return await work();
  } finally {
    for (const [pid, cores] of before) setAffinity(pid, cores);
  }
}
