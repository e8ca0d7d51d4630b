import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `check` until it returns true, failing after `withinMs`. For conditions that become
 * true at a time the test cannot know exactly (an entry expiring, a server coming back): the
 * test asserts the outcome and an upper bound, never that a fixed sleep was long enough.
 */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  withinMs: number,
  what: string,
  pollEveryMs = 50,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`${what}: not true within ${withinMs} ms`, { cause: lastError });
    }
    await delay(pollEveryMs);
  }
}
