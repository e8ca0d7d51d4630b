import { isSsoError, SsoError, SsoErrorCode } from '@ssokit/protocol';

/**
 * Wraps every method of a SQL-backed store so a database that is down or failing answers as
 * one clear `STORE_UNAVAILABLE` (503) instead of a driver error and a 500. TypeErrors (bad
 * input, a taken username) pass through unchanged. The driver's message is not copied: it may
 * quote SQL with parameter values.
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
          throw new SsoError(
            SsoErrorCode.STORE_UNAVAILABLE,
            `${name} is unavailable${code ? ` (${String(code)})` : ''}`,
            {
              wireMessage: 'service unavailable',
              cause: sanitized(error),
            },
          );
        }
      };
    },
  });
}

// Drivers attach the SQL text and its parameters to their errors (mysql2's `sql`); a logger
// serialising the cause must see only the name, code and message.
function sanitized(error: unknown): Error {
  const message = error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
  const copy = new Error(message);
  if (error instanceof Error) copy.name = error.name;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code });
  return copy;
}
