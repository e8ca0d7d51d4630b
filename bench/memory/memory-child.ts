// Child process, started with --expose-gc: measures the heap of one thing and reports it.
// Argument: JSON { task, count }.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { createProvider, silentLogger } from '@ssokit/provider';
import { memoryKeyValueStore } from '@ssokit/stores';
import session from 'express-session';
import { SessionManager } from 'ssokit';
import { seededUser } from '../growth/seed-format.ts';

export type MemoryTask = 'ssokit-sessions' | 'express-sessions' | 'provider-tokens';

const { task, count } = JSON.parse(process.argv[2] ?? '{}') as { task: MemoryTask; count: number };
const gc = globalThis.gc;
if (gc === undefined) throw new Error('memory-child needs --expose-gc');

/** Heap after full collections (twice: weak references and finalizers need a second pass). */
function settledHeap(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

async function ssokitSessions(): Promise<Record<string, number>> {
  const store = memoryKeyValueStore();
  // As the client builds it (14-day sessions, its default cache of parsed sessions).
  const sessions = new SessionManager({ store, ttlSeconds: 1_209_600 });
  await sessions.create(seededUser(count + 1));
  const before = settledHeap();
  for (let i = 0; i < count; i++) await sessions.create(seededUser(i));
  const after = settledHeap();
  await store.close();
  return { bytesPerSession: (after - before) / count };
}

async function expressSessions(): Promise<Record<string, number>> {
  // express-session's MemoryStore with what passport keeps in it: the user id.
  const store = new session.MemoryStore();
  const put = (sid: string, userId: number) =>
    new Promise<void>((resolve, reject) => {
      const data = {
        cookie: {
          originalMaxAge: 1_209_600_000,
          expires: new Date(Date.now() + 1_209_600_000),
          httpOnly: true,
          path: '/',
        },
        passport: { user: userId },
      } as unknown as session.SessionData;
      store.set(sid, data, (error) => (error ? reject(error) : resolve()));
    });
  await put('warm-up', 0);
  const before = settledHeap();
  for (let i = 0; i < count; i++) await put(randomBytes(24).toString('base64url'), i);
  const after = settledHeap();
  return { bytesPerSession: (after - before) / count };
}

async function providerTokens(): Promise<Record<string, number>> {
  // A clock the run moves forward, so 240-second tokens expire without waiting 240 seconds.
  let clock = Date.now();
  const now = () => clock;
  const store = memoryKeyValueStore({ now, sweepIntervalMs: 50 });
  const provider = createProvider({ database: ':memory:', keyValueStore: store, now, logger: silentLogger });
  await provider.migrate();
  await provider.requestTokens.issue('benchclient01');
  const before = settledHeap();
  for (let i = 0; i < count; i++) await provider.requestTokens.issue('benchclient01');
  const live = settledHeap();
  const liveEntries = store.size;
  clock += (provider.options.requestTokenTtlSeconds + 1) * 1000;
  // Two sweep intervals: every expired token is gone by then.
  await delay(150);
  const after = settledHeap();
  const result = {
    bytesPerLiveToken: (live - before) / count,
    heapBeforeBytes: before,
    heapLiveBytes: live,
    heapAfterExpiryBytes: after,
    liveEntries,
    entriesAfterExpiry: store.size,
  };
  await provider.close();
  await store.close();
  return result;
}

const tasks: Record<MemoryTask, () => Promise<Record<string, number>>> = {
  'ssokit-sessions': ssokitSessions,
  'express-sessions': expressSessions,
  'provider-tokens': providerTokens,
};
const result = await tasks[task]();
process.send?.({ type: 'result', ...result });
process.disconnect?.();
