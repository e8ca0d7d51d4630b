import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { nextMessage } from './child-process.ts';

/** Starts CPU profiling in children served by `serveBenchChild`. */
export async function startProfiling(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      child.send({ type: 'profile-start' });
      await nextMessage(child, 'profile-started');
    }),
  );
}

/** Stops it and writes `<dir>/<name>.cpuprofile` for each child; returns the paths. */
export async function stopProfiling(
  children: Record<string, ChildProcess>,
  directory: string,
): Promise<Record<string, string>> {
  mkdirSync(directory, { recursive: true });
  const entries = await Promise.all(
    Object.entries(children).map(async ([name, child]) => {
      const path = join(directory, `${name}.cpuprofile`);
      child.send({ type: 'profile-stop', path });
      await nextMessage(child, 'profile-stopped');
      return [name, path] as const;
    }),
  );
  return Object.fromEntries(entries);
}
