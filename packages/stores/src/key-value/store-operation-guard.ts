import { type CircuitBreaker, type CircuitBreakerOptions, circuitBreaker } from '../circuit-breaker.ts';
import { isOutageError } from '../is-outage-error.ts';
import type { StoreLogger } from '../store-logger.ts';
import { storeUnavailableError } from '../store-unavailable-error.ts';

export interface StoreOperationGuardOptions {
  /** Names the store in error messages, e.g. `redis store 127.0.0.1:6379`; never holds a password. */
  storeName: string;
  /** Longest wait for one operation before it fails with `STORE_UNAVAILABLE`. */
  timeoutMs: number;
  /**
   * The circuit breaker that makes a store which keeps failing or timing out fail at once
   * (`STORE_UNAVAILABLE` whose `cause.code` is `CIRCUIT_OPEN`) until a probe finds it back:
   * its options, a breaker to share, or `false` for none (a store whose database has a
   * breaker of its own).
   * @default {} (5 consecutive failures open it, a probe after 5000 ms)
   */
  circuitBreaker?: CircuitBreakerOptions | CircuitBreaker | false;
  /** Told when the breaker opens and closes. @default undefined */
  logger?: StoreLogger;
}

/** Default bound on one store operation: long enough for a 1 MB value, short enough for a request. */
export const DEFAULT_OPERATION_TIMEOUT_MS = 2000;

// Re-exported from its old place, where the package's index and callers import it.
export { storeUnavailableError };

export type StoreOperationGuard = <T>(operation: () => Promise<T>) => Promise<T>;

const isBreaker = (value: object): value is CircuitBreaker =>
  typeof (value as CircuitBreaker).refusal === 'function';

/**
 * Runs each store operation under a deadline and turns every driver failure into one
 * `SsoError('STORE_UNAVAILABLE', status 503)`. The deadline matters even when the driver has
 * its own timeouts: a caller-supplied ioredis client may queue commands offline for a long
 * time, and memjs can wait forever for the answer on a socket the server closed cleanly.
 * An operation that misses the deadline may still reach the server later; callers treat the
 * error as "unknown outcome" and fail closed. After repeated timeouts or connection failures a
 * circuit breaker fails operations at once, so a stalled store costs a request microseconds
 * rather than the whole deadline, and closes again by itself once a probe succeeds.
 */
export function storeOperationGuard(options: StoreOperationGuardOptions): StoreOperationGuard {
  const { storeName, timeoutMs } = options;
  const setting = options.circuitBreaker ?? {};
  const breaker =
    setting === false
      ? undefined
      : isBreaker(setting)
        ? setting
        : circuitBreaker({ ...setting, name: storeName, logger: options.logger });
  return async (operation) => {
    const refusal = breaker?.refusal();
    if (refusal !== undefined) throw storeUnavailableError(storeName, refusal);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
        timeoutMs,
      );
    });
    try {
      // Promise.race subscribes to the operation, so its late rejection is never unhandled.
      const result = await Promise.race([operation(), deadline]);
      breaker?.succeeded();
      return result;
    } catch (error) {
      if (isOutageError(error)) breaker?.failed();
      else breaker?.succeeded();
      throw storeUnavailableError(storeName, error);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Refuses an operation timeout that would make every call fail or wait forever. */
export function assertOperationTimeout(timeoutMs: number, option: string): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`${option} must be a positive number of milliseconds, got ${timeoutMs}`);
  }
}
