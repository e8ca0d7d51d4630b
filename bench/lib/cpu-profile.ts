import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) that self time needs. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  /** `name (file:line)`, paths relative to the repository. */
  frame: string;
  selfMs: number;
  /** Share of all sampled time, 0..1. */
  share: number;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

function frameName(callFrame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = callFrame.functionName || '(anonymous)';
  if (!callFrame.url) return name;
  const path = callFrame.url.startsWith('file://')
    ? relative(root, fileURLToPath(callFrame.url))
    : callFrame.url;
  return `${name} (${path}:${callFrame.lineNumber + 1})`;
}

/** Self time per function, highest first: where the process spent its own CPU. */
export function topSelfTime(profilePath: string, count = 12): ProfileEntry[] {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, frameName(node.callFrame)]));
  const selfMicros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = frames.get(nodeId) ?? '(unknown)';
    // Idle is time without work, not cost; it is left out of the shares.
    if (frame === '(idle)') return;
    total += delta;
    selfMicros.set(frame, (selfMicros.get(frame) ?? 0) + delta);
  });
  return [...selfMicros]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, micros]) => ({ frame, selfMs: micros / 1000, share: total > 0 ? micros / total : 0 }));
}

/** The newest `.cpuprofile` in a directory (node names them by time and pid). */
export function newestProfile(directory: string): string | undefined {
  const files = readdirSync(directory)
    .filter((file) => file.endsWith('.cpuprofile'))
    .sort();
  const last = files.at(-1);
  return last === undefined ? undefined : join(directory, last);
}

/** One line per entry, for RESULTS.md: `12.3 % foo (packages/x/src/y.ts:10)`. */
export function formatProfile(entries: ProfileEntry[]): string[] {
  return entries.map((entry) => `${(entry.share * 100).toFixed(1)} % self — ${entry.frame}`);
}
