import { fileURLToPath } from 'node:url';
import { nextMessage, spawnPinned, stopChild } from '../lib/child-process.ts';
import type { SectionResult } from '../lib/report.ts';
import { fmt, ratio } from '../lib/stats.ts';
import type { MemoryTask } from './memory-child.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function measure(task: MemoryTask, count: number): Promise<Record<string, number>> {
  // Unpinned: heap figures do not depend on the core, and the three run side by side.
  const child = spawnPinned(here('./memory-child.ts'), [JSON.stringify({ task, count })], undefined, [
    '--expose-gc',
  ]);
  try {
    const { type: _type, ...result } = await nextMessage<{ type: 'result' } & Record<string, number>>(
      child,
      'result',
      300_000,
    );
    return result;
  } finally {
    await stopChild(child);
  }
}

const kib = (bytes: number) => `${fmt(bytes / 1024, 1)} KiB`;
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MiB`;

/**
 * Heap per in-memory session (ssokit's SessionManager on the memory store, against
 * express-session's MemoryStore holding a passport user id), and the provider's heap before,
 * with and after 100k request tokens (quick: 20k; memory store, a clock moved past their expiry).
 */
export async function memorySection(options: { quick: boolean }): Promise<SectionResult> {
  const sessions = options.quick ? 10_000 : 100_000;
  // The provider's process is the last of the three to finish: a quick run issues fewer tokens.
  const tokens = options.quick ? 20_000 : 100_000;
  const tokensLabel = `${fmt(tokens / 1000)}k`;
  const [ssokit, express, provider] = await Promise.all([
    measure('ssokit-sessions', sessions),
    measure('express-sessions', sessions),
    measure('provider-tokens', tokens),
  ]);
  const perSession = ssokit.bytesPerSession as number;
  const perExpressSession = express.bytesPerSession as number;
  const residue = (provider.heapAfterExpiryBytes as number) - (provider.heapBeforeBytes as number);
  const ratios = {
    'memory.session.ssokit-vs-express-session': ratio(perSession, perExpressSession),
    'memory.provider.heap-after-expiry-vs-before': ratio(
      provider.heapAfterExpiryBytes as number,
      provider.heapBeforeBytes as number,
    ),
  };
  return {
    title: 'Memory',
    intro:
      `Heap (\`heapUsed\` after two full GCs, \`--expose-gc\`) per session for ${fmt(sessions)} in-memory ` +
      `sessions, and the provider's heap around ${tokensLabel} request tokens in its memory store (the clock moved past ` +
      "their 240 s, the sweep run). The ssokit session holds the user's snapshot (id, username, the provider's " +
      '9 attributes) and the epoch it began in; express-session + passport keeps only the user id and loads ' +
      'the user on each request.',
    columns: ['what', 'figure', 'baseline', 'ratio'],
    rows: [
      [
        'heap per in-memory session',
        `${fmt(perSession)} B`,
        `${fmt(perExpressSession)} B (express-session MemoryStore)`,
        fmt(ratios['memory.session.ssokit-vs-express-session'], 2),
      ],
      ['heap per live request token', `${fmt(provider.bytesPerLiveToken as number)} B`, '', ''],
      [
        `provider heap after ${tokensLabel} tokens expired`,
        mib(provider.heapAfterExpiryBytes as number),
        `${mib(provider.heapBeforeBytes as number)} before (${mib(provider.heapLiveBytes as number)} while live)`,
        fmt(ratios['memory.provider.heap-after-expiry-vs-before'], 3),
      ],
    ],
    ratios,
    goals: [],
    notes: [
      `Store entries: ${fmt(provider.liveEntries as number)} while the tokens lived, ` +
        `${fmt(provider.entriesAfterExpiry as number)} after expiry; heap left over: ${kib(residue)}.`,
    ],
  };
}
