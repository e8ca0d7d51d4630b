import { createHmac, timingSafeEqual } from 'node:crypto';
import { type ApiKeyRecord, type ApiKeySource, isEndpointAllowed } from './api-key-source.ts';
import { SsoError, SsoErrorCode, WIRE_ERROR_TEXT } from './errors.ts';
import { memoryReplayGuard } from './memory-replay-guard.ts';
import { formDecode, MalformedQueryError, type QueryPair } from './python2-form-encoding.ts';

/** Where seen signatures are remembered; a `@ssokit/stores` KeyValueStore fits. */
export interface ReplayGuardStore {
  /** Stores the key only if absent, atomically; false when it was already there. */
  add(key: string, value: string, ttlSeconds: number): Promise<boolean>;
}

export interface SignedRequestVerifierOptions {
  /** Where API keys, their secrets and allowed endpoints come from. */
  apiKeys: ApiKeySource;
  /**
   * Remembers `apikey:signature` for twice the drift window so a captured call cannot be
   * sent again. Use a shared store (Redis, Memcached) when several processes serve.
   * @default an in-process, bounded {@link memoryReplayGuard}
   */
  replayStore?: ReplayGuardStore;
  /**
   * Largest allowed difference between the call's timestamp and the server clock, in seconds.
   * @default 300
   */
  maxDriftSeconds?: number;
  /**
   * Longest raw query string accepted, in characters; longer ones are refused with 400
   * before any parsing.
   * @default 8192
   */
  maxQueryLength?: number;
  /** Clock in milliseconds, for tests. @default Date.now */
  now?: () => number;
}

export interface IncomingSignedRequest {
  /** The path as received, without the query (`/sso/authtoken/`). */
  path: string;
  /** The query as received, without `?`, not decoded. */
  rawQuery: string;
  /** The request body bytes, when the call has one. */
  body?: string | Uint8Array;
}

export interface VerifiedCall {
  /** The key that signed the call (its `userId` is the user it acts for). */
  apiKey: ApiKeyRecord;
  /** The query parameters, decoded, in the order received, without `signature`. */
  params: QueryPair[];
}

/** Timestamps as Python's `str(time.time())` writes them; anything else is refused, not guessed. */
const TIMESTAMP = /^\d{1,15}(?:\.\d{1,20})?$/;
const SIGNATURE_LENGTH = 44; // Base64 of a 32-byte HMAC-SHA256, with padding.

function refused(code: SsoErrorCode, wireMessage: string, status = 403): SsoError {
  return new SsoError(code, wireMessage, { status, wireMessage });
}

function malformed(message: string, cause?: unknown): SsoError {
  return new SsoError(SsoErrorCode.MALFORMED_REQUEST, message, { status: 400, wireMessage: message, cause });
}

/**
 * Checks a dj-api-auth signed call: the same checks, order, statuses and error texts as the
 * original, plus what it lacked: constant-time comparison, a replay guard, several active
 * secrets per key, and strict parsing so bad input is a 4xx, never an exception.
 */
export class SignedRequestVerifier {
  readonly #apiKeys: ApiKeySource;
  readonly #replayStore: ReplayGuardStore;
  readonly #maxDriftSeconds: number;
  readonly #maxQueryLength: number;
  readonly #now: () => number;
  readonly #driftText: string;

  constructor(options: SignedRequestVerifierOptions) {
    if (
      options === null ||
      typeof options !== 'object' ||
      typeof options.apiKeys?.findApiKey !== 'function'
    ) {
      throw new TypeError('SignedRequestVerifier: options.apiKeys must be an ApiKeySource');
    }
    const maxDrift = options.maxDriftSeconds ?? 300;
    if (!Number.isFinite(maxDrift) || maxDrift <= 0) {
      throw new TypeError('SignedRequestVerifier: options.maxDriftSeconds must be a positive number');
    }
    const maxQueryLength = options.maxQueryLength ?? 8192;
    if (!Number.isInteger(maxQueryLength) || maxQueryLength < 64) {
      throw new TypeError('SignedRequestVerifier: options.maxQueryLength must be an integer >= 64');
    }
    this.#apiKeys = options.apiKeys;
    this.#now = options.now ?? Date.now;
    this.#replayStore = options.replayStore ?? memoryReplayGuard({ now: this.#now });
    this.#maxDriftSeconds = maxDrift;
    this.#maxQueryLength = maxQueryLength;
    this.#driftText = WIRE_ERROR_TEXT.TIME_DRIFT(maxDrift);
  }

  /** Resolves with the key and parameters of a valid call; rejects with an {@link SsoError}. */
  async verify(request: IncomingSignedRequest): Promise<VerifiedCall> {
    const { path, rawQuery } = request;
    if (rawQuery.length > this.#maxQueryLength) throw malformed('query string too long');

    // One pass over the raw query: decode the parameters and keep every other part verbatim,
    // because the signature covers the query exactly as the client encoded it.
    const params: QueryPair[] = [];
    let signedQuery = '';
    let apiKey: string | undefined;
    let timestamp: string | undefined;
    let rawSignature: string | undefined;
    let first = true;
    for (const part of rawQuery === '' ? [] : rawQuery.split('&')) {
      const eq = part.indexOf('=');
      const name = decode(eq === -1 ? part : part.slice(0, eq));
      const rawValue = eq === -1 ? '' : part.slice(eq + 1);
      if (name === 'signature') {
        if (rawSignature !== undefined) throw malformed('repeated parameter: signature');
        rawSignature = rawValue;
        continue;
      }
      signedQuery = first ? part : `${signedQuery}&${part}`;
      first = false;
      if (part === '') continue;
      const value = decode(rawValue);
      if (name === 'apikey') {
        if (apiKey !== undefined) throw malformed('repeated parameter: apikey');
        apiKey = value;
      } else if (name === 'timestamp') {
        if (timestamp !== undefined) throw malformed('repeated parameter: timestamp');
        timestamp = value;
      }
      params.push([name, value]);
    }
    if (!apiKey || !timestamp || !rawSignature) {
      throw refused(SsoErrorCode.PARAMETER_MISSING, WIRE_ERROR_TEXT.PARAMETER_MISSING);
    }

    if (!TIMESTAMP.test(timestamp)) throw malformed('timestamp must be decimal UNIX seconds');
    if (Math.abs(this.#now() / 1000 - Number(timestamp)) > this.#maxDriftSeconds) {
      throw refused(SsoErrorCode.TIME_DRIFT, this.#driftText);
    }

    let record: ApiKeyRecord | undefined;
    try {
      record = await this.#apiKeys.findApiKey(apiKey);
    } catch (cause) {
      throw new SsoError(SsoErrorCode.STORE_UNAVAILABLE, 'API key source unavailable', {
        status: 503,
        wireMessage: 'service unavailable',
        cause,
      });
    }
    if (record === undefined || !isEndpointAllowed(record.allowedEndpoints, path)) {
      throw refused(SsoErrorCode.ENTRY_POINT_NOT_ALLOWED, WIRE_ERROR_TEXT.ENTRY_POINT_NOT_ALLOWED);
    }

    // The original client sends the signature unescaped, so its `+` form-decodes to a space;
    // Base64 has no spaces, so turning them back is exact. `%2B`/`%2F`/`%3D` decode as usual.
    const decoded = decode(rawSignature);
    const received = decoded.includes(' ') ? decoded.replaceAll(' ', '+') : decoded;
    const message = `${path}?${signedQuery}`;
    const signature = matchingSignature(record.secrets, message, request.body, received);
    if (signature === undefined) throw refused(SsoErrorCode.SIGNATURE_ERROR, WIRE_ERROR_TEXT.SIGNATURE_ERROR);

    // Only after the signature holds, so nobody can fill the guard with calls they cannot sign.
    // The key uses the canonical signature: another spelling of the same one is the same call.
    let fresh: boolean;
    try {
      fresh = await this.#replayStore.add(`${record.apiKey}:${signature}`, '1', this.#maxDriftSeconds * 2);
    } catch (cause) {
      throw new SsoError(SsoErrorCode.STORE_UNAVAILABLE, 'replay guard store unavailable', {
        status: 503,
        wireMessage: 'service unavailable',
        cause,
      });
    }
    if (!fresh) throw refused(SsoErrorCode.REPLAYED_REQUEST, 'replayed request');
    return { apiKey: record, params };
  }
}

function decode(component: string): string {
  try {
    return formDecode(component);
  } catch (cause) {
    if (cause instanceof MalformedQueryError) throw malformed(cause.message, cause);
    throw cause;
  }
}

/**
 * The expected signature (canonical Base64) of the first secret that produced the received one,
 * compared in constant time; every secret is tried so timing does not reveal which matched.
 */
function matchingSignature(
  secrets: readonly string[],
  message: string,
  body: string | Uint8Array | undefined,
  received: string,
): string | undefined {
  if (received.length !== SIGNATURE_LENGTH) return undefined;
  // A non-ASCII character makes the byte length differ, so it can never pass as a Base64 one.
  const receivedBytes = Buffer.from(received, 'utf8');
  if (receivedBytes.length !== SIGNATURE_LENGTH) return undefined;
  let match: string | undefined;
  for (const secret of secrets) {
    const hmac = createHmac('sha256', secret).update(message);
    if (body !== undefined && body.length > 0) hmac.update(body);
    const expected = hmac.digest('base64');
    if (timingSafeEqual(Buffer.from(expected, 'utf8'), receivedBytes) && match === undefined)
      match = expected;
  }
  return match;
}
