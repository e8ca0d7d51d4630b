import { isSsoError } from '@ssokit/protocol';
import { storeUnavailableError } from '@ssokit/stores';

/**
 * Wraps every method of a SQL-backed store so a database that is down or failing answers as
 * one clear `STORE_UNAVAILABLE` (503) instead of a driver error and a 500. TypeErrors (bad
 * input, a taken username) pass through unchanged. The driver's message is not shown: it may
 * quote SQL with parameter values; the cause is the stores' sanitized copy.
 */
export function guardDatabaseErrors<T extends object>(target: T, name: string): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
        } catch (error) {
          if (error instanceof TypeError || isSsoError(error)) throw error;
          const code = (error as { code?: unknown })?.code;
          throw storeUnavailableError(name, error, {
            message: `${name} is unavailable${code ? ` (${String(code)})` : ''}`,
            wireMessage: 'service unavailable',
          });
        }
      };
    },
  });
}
