import { isSsoError, SsoError } from '@ssokit/protocol';

// Drivers echo the command in some replies ("unknown command 'getdel', with args beginning
// with: 'sess:…'"), and keys or values may be tokens: they must not reach a log line.
function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const withoutArgs = message.split(/, with args beginning with/i)[0] ?? message;
  return withoutArgs.length > 200 ? `${withoutArgs.slice(0, 200)}…` : withoutArgs;
}

// The cause keeps what helps an operator (driver error name, code, message) but not the
// driver's error object itself: ioredis attaches `command.args` (keys and values) to it,
// mysql2 `sql` (the statement with its parameters), and pino's error serializer logs every
// enumerable property.
function sanitizedCause(error: unknown, reason: string): Error {
  const cause = new Error(reason);
  if (error instanceof Error) {
    cause.name = error.name;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') Object.assign(cause, { code });
  }
  return cause;
}

export interface StoreUnavailableErrorOptions {
  /**
   * The message, where it is shown to visitors (`the session store is unavailable, please
   * try again shortly`).
   * @default `${storeName} is unavailable: ${the driver's reason}`
   */
  message?: string;
  /** Text for the wire. @default the message */
  wireMessage?: string;
}

/**
 * The one `STORE_UNAVAILABLE` error (HTTP 503) for a store that failed or did not answer,
 * used by the stores, the client and the provider. Its `cause` is a sanitized copy of the
 * driver's error (name, code, trimmed message), never the driver's object; a
 * `STORE_UNAVAILABLE` from a lower layer is kept as the cause, being sanitized already.
 */
export function storeUnavailableError(
  storeName: string,
  error: unknown,
  options: StoreUnavailableErrorOptions = {},
): SsoError {
  const reason = describeFailure(error);
  const cause =
    isSsoError(error) && error.code === 'STORE_UNAVAILABLE' ? error : sanitizedCause(error, reason);
  return new SsoError('STORE_UNAVAILABLE', options.message ?? `${storeName} is unavailable: ${reason}`, {
    cause,
    ...(options.wireMessage === undefined ? {} : { wireMessage: options.wireMessage }),
  });
}
