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
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  CALLBACK_PARAMETER_MISSING: 'CALLBACK_PARAMETER_MISSING',
  SIGN_IN_REFUSED: 'SIGN_IN_REFUSED',
  LOGIN_REQUIRED: 'LOGIN_REQUIRED',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  CROSS_SITE_REQUEST: 'CROSS_SITE_REQUEST',
} as const;

export type SsoErrorCode = (typeof SsoErrorCode)[keyof typeof SsoErrorCode];

/** What an error code answers with: its HTTP status and, for the original's errors, its wire text. */
export interface SsoErrorKind {
  readonly status: number;
  /** The original's exact text (`{"error": TEXT}` or a plain body); absent where ssokit adds the code. */
  readonly wireText?: string;
}

/**
 * The one table from error code to HTTP status and wire text: a throw site names a code, never
 * a status. The texts and statuses of the original's errors are those of PROTOCOL.md (403 for
 * every refusal of a signed call or the login page). Where two situations need different
 * statuses they have different codes (`PARAMETER_MISSING` is the signed call's 403,
 * `CALLBACK_PARAMETER_MISSING` the browser's bad callback, 400).
 */
export const SSO_ERRORS = {
  PARAMETER_MISSING: { status: 403, wireText: 'parameter missing' },
  /** The text names the allowed drift: `WIRE_ERROR_TEXT.TIME_DRIFT(seconds)`. */
  TIME_DRIFT: { status: 403 },
  ENTRY_POINT_NOT_ALLOWED: { status: 403, wireText: 'entry point not allowed for the API key' },
  SIGNATURE_ERROR: { status: 403, wireText: 'signature error' },
  REPLAYED_REQUEST: { status: 403, wireText: 'replayed request' },
  MALFORMED_REQUEST: { status: 400 },
  LENGTH_REQUIRED: { status: 411, wireText: 'content-length required' },
  REQUEST_TOKEN_NOT_FOUND: { status: 403, wireText: 'request token not found' },
  REQUEST_TOKEN_ERROR: { status: 403, wireText: 'request token error' },
  AUTH_TOKEN_ERROR: { status: 403, wireText: 'auth token error' },
  INVALID_REQUEST_TOKEN: { status: 403, wireText: 'invalid request token' },
  REMOTE_HOST_DENIED: { status: 403, wireText: 'request deny for remote host' },
  PROVIDER_UNREACHABLE: { status: 502 },
  PROVIDER_TIMEOUT: { status: 504 },
  /** The provider's own status is `providerStatus`; to this app's visitors it is a bad gateway. */
  PROVIDER_REFUSED: { status: 502 },
  PROVIDER_BAD_RESPONSE: { status: 502 },
  PROVIDER_RESPONSE_TOO_LARGE: { status: 502 },
  LOGIN_STATE_MISMATCH: { status: 403 },
  STORE_UNAVAILABLE: { status: 503 },
  RATE_LIMITED: { status: 429 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415 },
  CALLBACK_PARAMETER_MISSING: { status: 400 },
  /** The provider refused to confirm a sign-in (a 4xx on `authtoken/`): the visitor's tokens. */
  SIGN_IN_REFUSED: { status: 403 },
  LOGIN_REQUIRED: { status: 401 },
  /** A state-changing request (the client's sign-out) sent from another site. */
  CROSS_SITE_REQUEST: { status: 403 },
  METHOD_NOT_ALLOWED: { status: 405, wireText: 'method not allowed' },
} as const satisfies Record<SsoErrorCode, SsoErrorKind>;

/** The HTTP status an error code answers with. */
export function statusOf(code: SsoErrorCode): number {
  return SSO_ERRORS[code].status;
}

/** The original's error texts, sent as `{"error": TEXT}` (API) or as a plain body (login page). */
export const WIRE_ERROR_TEXT = {
  PARAMETER_MISSING: SSO_ERRORS.PARAMETER_MISSING.wireText,
  TIME_DRIFT: (driftSeconds: number) => `time drift > ${driftSeconds} sec`,
  ENTRY_POINT_NOT_ALLOWED: SSO_ERRORS.ENTRY_POINT_NOT_ALLOWED.wireText,
  SIGNATURE_ERROR: SSO_ERRORS.SIGNATURE_ERROR.wireText,
  REQUEST_TOKEN_NOT_FOUND: SSO_ERRORS.REQUEST_TOKEN_NOT_FOUND.wireText,
  REQUEST_TOKEN_ERROR: SSO_ERRORS.REQUEST_TOKEN_ERROR.wireText,
  AUTH_TOKEN_ERROR: SSO_ERRORS.AUTH_TOKEN_ERROR.wireText,
  INVALID_REQUEST_TOKEN: SSO_ERRORS.INVALID_REQUEST_TOKEN.wireText,
  REMOTE_HOST_DENIED: SSO_ERRORS.REMOTE_HOST_DENIED.wireText,
} as const;

export interface SsoErrorOptions {
  /**
   * @deprecated The status comes from `SSO_ERRORS`; kept so older call sites compile. A value
   * other than the code's status is a programming error and throws a TypeError.
   */
  status?: number;
  /**
   * Exact text for the wire (`{"error": wireMessage}`).
   * @default the code's wire text in SSO_ERRORS, else the message
   */
  wireMessage?: string;
  /** For `PROVIDER_REFUSED`: the status the provider answered with. */
  providerStatus?: number;
  cause?: unknown;
}

export class SsoError extends Error {
  override readonly name = 'SsoError';
  readonly code: SsoErrorCode;
  /** The HTTP status to answer with, from `SSO_ERRORS`. */
  readonly status: number;
  readonly wireMessage: string;
  /** For `PROVIDER_REFUSED`: the status the provider answered with. */
  readonly providerStatus: number | undefined;

  constructor(code: SsoErrorCode, message: string, options: SsoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const kind: SsoErrorKind = SSO_ERRORS[code];
    if (options.status !== undefined && options.status !== kind.status) {
      throw new TypeError(
        `${code} answers ${kind.status} (SSO_ERRORS), not ${options.status}: use another code`,
      );
    }
    this.code = code;
    this.status = kind.status;
    this.wireMessage = options.wireMessage ?? kind.wireText ?? message;
    this.providerStatus = options.providerStatus;
  }

  /** The JSON body the original packages answered with. */
  toWireBody(): { error: string } {
    return { error: this.wireMessage };
  }
}

export function isSsoError(value: unknown): value is SsoError {
  return value instanceof SsoError;
}
