/**
 * One error class for the whole toolkit, with a stable code. HTTP-facing errors carry the
 * status to answer with; `wireMessage` is the exact text the original dj-sso packages used,
 * so peers that match on it keep working. Messages never contain secrets or tokens.
 */
export const SsoErrorCode = {
  PARAMETER_MISSING: 'PARAMETER_MISSING',
  TIME_DRIFT: 'TIME_DRIFT',
  ENTRY_POINT_NOT_ALLOWED: 'ENTRY_POINT_NOT_ALLOWED',
  SIGNATURE_ERROR: 'SIGNATURE_ERROR',
  REPLAYED_REQUEST: 'REPLAYED_REQUEST',
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
  LENGTH_REQUIRED: 'LENGTH_REQUIRED',
  REQUEST_TOKEN_NOT_FOUND: 'REQUEST_TOKEN_NOT_FOUND',
  REQUEST_TOKEN_ERROR: 'REQUEST_TOKEN_ERROR',
  AUTH_TOKEN_ERROR: 'AUTH_TOKEN_ERROR',
  INVALID_REQUEST_TOKEN: 'INVALID_REQUEST_TOKEN',
  REMOTE_HOST_DENIED: 'REMOTE_HOST_DENIED',
  PROVIDER_UNREACHABLE: 'PROVIDER_UNREACHABLE',
  PROVIDER_TIMEOUT: 'PROVIDER_TIMEOUT',
  PROVIDER_REFUSED: 'PROVIDER_REFUSED',
  PROVIDER_BAD_RESPONSE: 'PROVIDER_BAD_RESPONSE',
  PROVIDER_RESPONSE_TOO_LARGE: 'PROVIDER_RESPONSE_TOO_LARGE',
  LOGIN_STATE_MISMATCH: 'LOGIN_STATE_MISMATCH',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  RATE_LIMITED: 'RATE_LIMITED',
  LOGIN_REQUIRED: 'LOGIN_REQUIRED',
  CROSS_SITE_REQUEST: 'CROSS_SITE_REQUEST',
} as const;

export type SsoErrorCode = (typeof SsoErrorCode)[keyof typeof SsoErrorCode];

/** The original's error texts, sent as `{"error": TEXT}` (API) or as a plain body (login page). */
export const WIRE_ERROR_TEXT = {
  PARAMETER_MISSING: 'parameter missing',
  TIME_DRIFT: (driftSeconds: number) => `time drift > ${driftSeconds} sec`,
  ENTRY_POINT_NOT_ALLOWED: 'entry point not allowed for the API key',
  SIGNATURE_ERROR: 'signature error',
  REQUEST_TOKEN_NOT_FOUND: 'request token not found',
  REQUEST_TOKEN_ERROR: 'request token error',
  AUTH_TOKEN_ERROR: 'auth token error',
  INVALID_REQUEST_TOKEN: 'invalid request token',
  REMOTE_HOST_DENIED: 'request deny for remote host',
} as const;

export interface SsoErrorOptions {
  /** HTTP status to answer with, where the error reaches a client. */
  status?: number;
  /** Exact text for the wire (`{"error": wireMessage}`); defaults to the message. */
  wireMessage?: string;
  cause?: unknown;
}

export class SsoError extends Error {
  override readonly name = 'SsoError';
  readonly code: SsoErrorCode;
  readonly status: number;
  readonly wireMessage: string;

  constructor(code: SsoErrorCode, message: string, options: SsoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 500;
    this.wireMessage = options.wireMessage ?? message;
  }

  /** The JSON body the original packages answered with. */
  toWireBody(): { error: string } {
    return { error: this.wireMessage };
  }
}

export function isSsoError(value: unknown): value is SsoError {
  return value instanceof SsoError;
}
