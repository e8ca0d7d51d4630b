import { setTimeout as delay } from 'node:timers/promises';
import type { ProviderLogger } from '../logging/provider-logger.ts';

export interface MigrateWithRetryOptions {
  logger: ProviderLogger;
  /** Stops the retries (the provider closes); the promise then resolves false. */
  signal: AbortSignal;
  /** First wait after a failure; doubles up to `maxDelayMs`. @default 500 */
  initialDelayMs?: number;
  /** @default 30000 */
  maxDelayMs?: number;
  /** An attempt that has not answered after this long counts as failed. @default 15000 */
  attemptTimeoutMs?: number;
  /** Called once, when the first attempt has succeeded or failed. */
  onFirstAttempt?: () => void;
}

/**
 * Runs the migrations until they succeed, waiting longer after each failure (with jitter, so
 * several processes restarted together do not knock in step). The process stays up and
 * answers 503 meanwhile: a database down at start is an outage to wait out, not a crash loop.
 * Resolves true once migrated, false when stopped first.
 */
export async function migrateWithRetry(
  migrate: () => Promise<void>,
  options: MigrateWithRetryOptions,
): Promise<boolean> {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 15_000;
  for (let attempt = 1; !options.signal.aborted; attempt++) {
    try {
      await withTimeout(migrate(), attemptTimeoutMs);
      if (attempt === 1) options.onFirstAttempt?.();
      if (attempt > 1) options.logger.info({ event: 'migrated', attempt }, 'database reached; serving');
      return true;
    } catch (error) {
      if (attempt === 1) options.onFirstAttempt?.();
      if (options.signal.aborted) return false;
      const wait = Math.round(Math.min(max, initial * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5));
      options.logger.warn(
        { event: 'migrate_failed', attempt, retryInMs: wait, err: describe(error) },
        'database unavailable at start; answering 503 and trying again',
      );
      try {
        await delay(wait, undefined, { signal: options.signal });
      } catch {
        return false;
      }
    }
  }
  return false;
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // A late failure of an abandoned attempt must not be an unhandled rejection.
  work.catch(() => {});
  try {
    await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// The driver's message only (never its `sql` or parameters), cut short.
function describe(error: unknown): { message: string; code?: unknown } {
  const message = error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
  const code = (error as { code?: unknown })?.code;
  return code === undefined ? { message } : { message, code };
}
