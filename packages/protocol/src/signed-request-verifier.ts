import {
  type ApiKeyRecord,
  type ApiKeySource,
  FIND_API_KEY_NOW,
  isEndpointAllowed,
} from './api-key-source.ts';
import type { hasBodyWithoutLength } from './body-framing.ts';
import { SsoError, SsoErrorCode, WIRE_ERROR_TEXT } from './errors.ts';
import {
  type IdenticalCalls,
  identicalCallGraceMs,
  RecentSightings,
  storedSightingWithinGrace,
} from './identical-calls.ts';
import { type MemoryReplayGuard, memoryReplayGuard } from './memory-replay-guard.ts';
import { matchingSignature, signatureBytesOf } from './signature-match.ts';
import {
  malformed,
  parseTimestamp,
  receivedSignature,
  scanSignedQuery,
  signedQueryOf,
} from './signed-query-scan.ts';
import { type VerifiedCall, VerifiedSignedCall } from './verified-call.ts';

export type { IdenticalCalls } from './identical-calls.ts';
export type { VerifiedCall } from './verified-call.ts';

/** Where seen signatures are remembered; a `@ssokit/stores` KeyValueStore fits. */
export interface ReplayGuardStore {
  /** Stores the key only if absent, atomically; false when it was already there. */
  add(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Reads a stored value; needed only for `identicalCalls: { acceptWithinMs }`. */
  get?(key: string): Promise<string | undefined>;
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
   * What a call identical to one already verified is (see {@link IdenticalCalls}): refused as a
   * replay, accepted within a grace after the first (clients with coarse timestamps, such as
   * Python 2's 10 ms `str(time.time())`), or always accepted (endpoints a replay cannot abuse).
   * @default 'refuse'
   */
  identicalCalls?: IdenticalCalls;
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
  /**
   * The body came without Content-Length (chunked; see {@link hasBodyWithoutLength}). The
   * original server (Django) reads no such body and verifies the call over the URL alone; so
   * does this verifier. An app must never get bytes the signature does not cover, so such a
   * call with any body bytes is refused with 411 `content-length required`; an empty one
   * passes, verified over the URL.
   * @default false
   */
  chunked?: boolean;
}

function refused(code: SsoErrorCode, wireMessage: string): SsoError {
  return new SsoError(code, wireMessage, { wireMessage });
}

/**
 * Checks a dj-api-auth signed call: the same checks, order, statuses and error texts as the
 * original, plus what it lacked: constant-time comparison, a replay guard, several active
 * secrets per key, and strict parsing so bad input is a 4xx, never an exception.
 */
export class SignedRequestVerifier {
  readonly #apiKeys: ApiKeySource;
  /** Set for an in-memory source: looked up without a promise. */
  readonly #findApiKeyNow: ((apiKey: string) => ApiKeyRecord | undefined) | undefined;
  readonly #replayStore: ReplayGuardStore;
  /** The default guard, called without a promise on the hot path. */
  readonly #memoryGuard: MemoryReplayGuard | undefined;
  readonly #maxDriftSeconds: number;
  readonly #maxQueryLength: number;
  readonly #now: () => number;
  readonly #driftText: string;
  /** 0: refuse identical calls; Infinity: accept them; else the grace in milliseconds. */
  readonly #graceMs: number;
  readonly #recentSightings: RecentSightings | undefined;

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
    const graceMs = identicalCallGraceMs(options.identicalCalls, 'SignedRequestVerifier');
    if (graceMs > 0 && graceMs < Number.POSITIVE_INFINITY && options.replayStore !== undefined) {
      if (typeof options.replayStore.get !== 'function') {
        throw new TypeError(
          'SignedRequestVerifier: options.replayStore.get is needed for identicalCalls: { acceptWithinMs }',
        );
      }
    }
    this.#graceMs = graceMs;
    this.#apiKeys = options.apiKeys;
    this.#findApiKeyNow = (
      options.apiKeys as { [FIND_API_KEY_NOW]?: (apiKey: string) => ApiKeyRecord | undefined }
    )[FIND_API_KEY_NOW];
    this.#now = options.now ?? Date.now;
    if (options.replayStore === undefined && graceMs !== Number.POSITIVE_INFINITY) {
      this.#memoryGuard = memoryReplayGuard({ now: this.#now });
    }
    this.#replayStore = options.replayStore ?? (this.#memoryGuard as MemoryReplayGuard);
    this.#recentSightings =
      this.#memoryGuard !== undefined && graceMs > 0 && graceMs < Number.POSITIVE_INFINITY
        ? new RecentSightings(graceMs)
        : undefined;
    this.#maxDriftSeconds = maxDrift;
    this.#maxQueryLength = maxQueryLength;
    this.#driftText = WIRE_ERROR_TEXT.TIME_DRIFT(maxDrift);
  }

  /** Resolves with the key and parameters of a valid call; rejects with an {@link SsoError}. */
  async verify(request: IncomingSignedRequest): Promise<VerifiedCall> {
    const { path, rawQuery } = request;
    if (rawQuery.length > this.#maxQueryLength) throw malformed('query string too long');
    let body = request.body;
    if (request.chunked === true) {
      if (body !== undefined && body.length > 0) {
        throw refused(SsoErrorCode.LENGTH_REQUIRED, 'content-length required');
      }
      body = undefined;
    }

    const scan = scanSignedQuery(rawQuery);
    const { apiKey, timestamp, rawSignature, params } = scan;
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
      record =
        this.#findApiKeyNow !== undefined
          ? this.#findApiKeyNow(apiKey)
          : await this.#apiKeys.findApiKey(apiKey);
    } catch (cause) {
      throw new SsoError(SsoErrorCode.STORE_UNAVAILABLE, 'API key source unavailable', {
        wireMessage: 'service unavailable',
        cause,
      });
    }
    if (record === undefined || !isEndpointAllowed(record.allowedEndpoints, path)) {
      throw refused(SsoErrorCode.ENTRY_POINT_NOT_ALLOWED, WIRE_ERROR_TEXT.ENTRY_POINT_NOT_ALLOWED);
    }

    const received = receivedSignature(rawSignature);
    // The signature covers the query exactly as the client encoded it, minus `signature` and
    // blank parts (the original's rule).
    const message = `${path}?${signedQueryOf(rawQuery, scan)}`;
    const signature = matchingSignature(record.secrets, message, body, received);
    if (signature === undefined) throw refused(SsoErrorCode.SIGNATURE_ERROR, WIRE_ERROR_TEXT.SIGNATURE_ERROR);

    if (this.#graceMs === Number.POSITIVE_INFINITY) return new VerifiedSignedCall(record, params);
    // Only after the signature holds, so nobody can fill the guard with calls they cannot sign.
    // An HMAC is unique per call (the message holds the key and the timestamp). The in-process
    // guard takes its raw bytes: no promise, no string to build or keep.
    const ttl = this.#maxDriftSeconds * 2;
    let fresh: boolean;
    try {
      if (this.#memoryGuard !== undefined) {
        fresh = this.#memoryGuard.addBytes(signatureBytesOf(signature), ttl, nowMs);
        if (this.#recentSightings !== undefined) {
          if (fresh) this.#recentSightings.note(signature, nowMs);
          else fresh = this.#recentSightings.withinGrace(signature, nowMs);
        }
      } else {
        // The value is the first sighting's time, for a grace checked by any process.
        const key = `${record.apiKey}:${signature}`;
        fresh = await this.#replayStore.add(key, String(nowMs), ttl);
        if (!fresh && this.#graceMs > 0) {
          const firstSeen = await (this.#replayStore.get as (key: string) => Promise<string | undefined>)(
            key,
          );
          fresh = storedSightingWithinGrace(firstSeen, nowMs, this.#graceMs);
        }
      }
    } catch (cause) {
      throw new SsoError(SsoErrorCode.STORE_UNAVAILABLE, 'replay guard store unavailable', {
        wireMessage: 'service unavailable',
        cause,
      });
    }
    if (!fresh) throw refused(SsoErrorCode.REPLAYED_REQUEST, 'replayed request');
    return new VerifiedSignedCall(record, params);
  }
}
