import type { SsoLogger } from '@ssokit/protocol';

/**
 * The logging the stores need: the `warn` (and optional `info`) of ssokit's one logger type,
 * so a pino or pino-compatible logger (or `console`) can be passed as is.
 */
export type StoreLogger = Pick<SsoLogger, 'warn'> & Partial<Pick<SsoLogger, 'info'>>;

/**
 * A `warn` that writes at most one line per interval: a store that is down fails every
 * request, and one line a minute says so as well as thousands.
 */
export function throttledWarn(
  logger: StoreLogger | undefined,
  intervalMs: number,
  now: () => number = Date.now,
): (details: Record<string, unknown>, message: string) => void {
  let lastAt = Number.NEGATIVE_INFINITY;
  return (details, message) => {
    if (logger === undefined) return;
    const at = now();
    if (at - lastAt < intervalMs) return;
    lastAt = at;
    logger.warn(details, message);
  };
}
