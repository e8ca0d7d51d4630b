import { createHmac, timingSafeEqual } from 'node:crypto';
import { type ApiKeyRecord, type ApiKeySource, isEndpointAllowed } from './api-key-source.ts';
import { SsoError, SsoErrorCode, WIRE_ERROR_TEXT } from './errors.ts';
import { hmacKey } from './hmac-key-cache.ts';
import { type MemoryReplayGuard, memoryReplayGuard } from './memory-replay-guard.ts';
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

/**
 * UNIX seconds as Python's `str(time.time())` writes them (up to 15 digits, an optional
 * fraction of up to 20); NaN for anything else (signs, exponents, `NaN`, `Infinity`, spaces),
 * which is refused rather than guessed. A hand-written scan: this runs on every call, and a
 * regular expression plus `Number()` cost a fifth of the HMAC.
 */
export function parseTimestamp(text: string): number {
  const length = text.length;
  let seconds = 0;
  let index = 0;
  for (; index < length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) break;
    seconds = seconds * 10 + digit;
  }
  if (index === 0 || index > 15) return Number.NaN;
  if (index === length) return seconds;
  if (text.charCodeAt(index) !== 46 /* . */ || length - index - 1 < 1 || length - index - 1 > 20)
    return Number.NaN;
  let fraction = 0;
  let scale = 1;
  for (index++; index < length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    // Digits past the millisecond cannot change a drift check measured in seconds.
    if (scale < 1e6) {
      fraction = fraction * 10 + digit;
      scale *= 10;
    }
  }
  return seconds + fraction / scale;
}

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
  /** The default guard, called without a promise on the hot path. */
  readonly #memoryGuard: MemoryReplayGuard | undefined;
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
    if (options.replayStore === undefined) this.#memoryGuard = memoryReplayGuard({ now: this.#now });
    this.#replayStore = options.replayStore ?? (this.#memoryGuard as MemoryReplayGuard);
    this.#maxDriftSeconds = maxDrift;
    this.#maxQueryLength = maxQueryLength;
    this.#driftText = WIRE_ERROR_TEXT.TIME_DRIFT(maxDrift);
  }

  /** Resolves with the key and parameters of a valid call; rejects with an {@link SsoError}. */
  async verify(request: IncomingSignedRequest): Promise<VerifiedCall> {
    const { path, rawQuery } = request;
    if (rawQuery.length > this.#maxQueryLength) throw malformed('query string too long');

    // One pass over the raw query: decode the parameters and note where `signature` sits, because
    // the signature covers the rest of the query exactly as the client encoded it.
    const params: QueryPair[] = [];
    let apiKey: string | undefined;
    let timestamp: string | undefined;
    let rawSignature: string | undefined;
    let signatureStart = -1;
    let signatureEnd = -1;
    // Without a `%` anywhere nothing can be malformed and decoding is at most `+` -> space.
    const decode = rawQuery.includes('%') ? decodeStrict : decodePlus;
    let start = 0;
    while (start <= rawQuery.length && rawQuery !== '') {
      let end = rawQuery.indexOf('&', start);
      if (end === -1) end = rawQuery.length;
      const eq = rawQuery.indexOf('=', start);
      const hasValue = eq !== -1 && eq < end;
      const name = decode(rawQuery.slice(start, hasValue ? eq : end));
      if (name === 'signature') {
        if (rawSignature !== undefined) throw malformed('repeated parameter: signature');
        rawSignature = hasValue ? rawQuery.slice(eq + 1, end) : '';
        signatureStart = start;
        signatureEnd = end;
      } else if (end > start) {
        const value = hasValue ? decode(rawQuery.slice(eq + 1, end)) : '';
        if (name === 'apikey') {
          if (apiKey !== undefined) throw malformed('repeated parameter: apikey');
          apiKey = value;
        } else if (name === 'timestamp') {
          if (timestamp !== undefined) throw malformed('repeated parameter: timestamp');
          timestamp = value;
        }
        params.push([name, value]);
      }
      start = end + 1;
    }
    if (!apiKey || !timestamp || !rawSignature) {
      throw refused(SsoErrorCode.PARAMETER_MISSING, WIRE_ERROR_TEXT.PARAMETER_MISSING);
    }

    const sentAt = parseTimestamp(timestamp);
    if (Number.isNaN(sentAt)) throw malformed('timestamp must be decimal UNIX seconds');
    const nowMs = this.#now();
    if (Math.abs(nowMs / 1000 - sentAt) > this.#maxDriftSeconds) {
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

    // The original client sends the signature unescaped: without escapes the raw text is the
    // signature, `+` included (a form decoder would read a space there). Escaped (`%2B`, `%2F`,
    // `%3D`) it is decoded; a raw `+` beside escapes reads as a space, which Base64 never
    // has, so turning spaces back is exact.
    const received = rawSignature.includes('%')
      ? decodeStrict(rawSignature).replaceAll(' ', '+')
      : rawSignature;
    // The query without the `signature` part and one of the `&` around it, byte for byte.
    const signedQuery =
      signatureStart === 0
        ? rawQuery.slice(Math.min(signatureEnd + 1, rawQuery.length))
        : rawQuery.slice(0, signatureStart - 1) + rawQuery.slice(signatureEnd);
    const message = `${path}?${signedQuery}`;
    const signature = matchingSignature(record.secrets, message, request.body, received);
    if (signature === undefined) throw refused(SsoErrorCode.SIGNATURE_ERROR, WIRE_ERROR_TEXT.SIGNATURE_ERROR);

    // Only after the signature holds, so nobody can fill the guard with calls they cannot sign.
    // An HMAC is unique per call (the message holds the key and the timestamp). The in-process
    // guard takes its raw bytes: no promise, no string to build or keep.
    const ttl = this.#maxDriftSeconds * 2;
    let fresh: boolean;
    try {
      if (this.#memoryGuard !== undefined) {
        signatureBytes.write(signature, 'base64');
        fresh = this.#memoryGuard.addBytes(signatureBytes, ttl, nowMs);
      } else {
        fresh = await this.#replayStore.add(`${record.apiKey}:${signature}`, '1', ttl);
      }
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

function decodePlus(component: string): string {
  return component.includes('+') ? component.replaceAll('+', ' ') : component;
}

function decodeStrict(component: string): string {
  try {
    return formDecode(component);
  } catch (cause) {
    if (cause instanceof MalformedQueryError) throw malformed(cause.message, cause);
    throw cause;
  }
}

// Reused buffers for the comparison: the verifier reads them synchronously, never across an
// await. A received signature is accepted only in its exact 44-character Base64 spelling.
const expectedText = Buffer.alloc(64);
const receivedText = Buffer.alloc(64);
const expectedView = expectedText.subarray(0, 44);
const receivedView = receivedText.subarray(0, 44);
/** The verified signature's raw bytes, for the in-process replay guard. */
const signatureBytes = Buffer.alloc(32);

/**
 * The signature one of the secrets gives this message, when it is the received one, compared
 * in constant time (`timingSafeEqual` over the 44 ASCII bytes); every secret is tried, so
 * timing does not tell which matched. (`digest('base64')` is used because in Node a raw
 * `digest()` Buffer costs more to make than the Base64 string.)
 */
function matchingSignature(
  secrets: readonly string[],
  message: string,
  body: string | Uint8Array | undefined,
  received: string,
): string | undefined {
  // 44 UTF-16 units that are 44 UTF-8 bytes are ASCII; other lengths cannot be Base64 of 32 bytes.
  if (received.length !== 44 || receivedText.write(received, 'utf8') !== 44) return undefined;
  let matched: string | undefined;
  for (const secret of secrets) {
    const hmac = createHmac('sha256', hmacKey(secret)).update(message);
    if (body !== undefined && body.length > 0) hmac.update(body);
    const expected = hmac.digest('base64');
    expectedText.write(expected, 'latin1');
    if (timingSafeEqual(expectedView, receivedView) && matched === undefined) matched = expected;
  }
  return matched;
}
