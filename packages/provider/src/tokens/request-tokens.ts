import { SsoError, SsoErrorCode, WIRE_ERROR_TEXT } from '@ssokit/protocol';
import type { KeyValueStore } from '@ssokit/stores';
import { constantTimeEqual, looksLikeHexToken, randomHexToken, tokenDigest } from './random-token.ts';

/** 128 bits, as hex: 32 characters (the original: 8). */
const REQUEST_TOKEN_BYTES = 16;
/** 256 bits, as hex: 64 characters, the length of the original's HMAC auth token. */
const AUTH_TOKEN_BYTES = 32;

export interface RequestTokenInfo {
  /** The API key that asked for the token; only that key may redeem it. */
  apiKey: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** True once a user signed in for it (it waits for `authtoken/`). */
  bound: boolean;
}

export interface RequestTokens {
  /** A new token for this API key, alive for the configured TTL. */
  issue(apiKey: string): Promise<{ token: string; expiresAt: number }>;
  /** The token's state, or undefined when unknown, expired or used. */
  inspect(token: string): Promise<RequestTokenInfo | undefined>;
  /**
   * Binds a signed-in user to the token and returns the auth token for the redirect;
   * undefined when the token is gone or already bound (first sign-in wins).
   */
  bind(token: string, userId: number): Promise<string | undefined>;
  /**
   * The back channel's check (`authtoken/`): the user id on success; otherwise throws the
   * original's error. An unbound token stays usable; a bound token is consumed by the first
   * call, right or wrong, so an auth token cannot be guessed.
   */
  redeem(token: string, apiKey: string, authToken: string): Promise<number>;
}

export interface RequestTokensOptions {
  store: KeyValueStore;
  /** @default 240 */
  ttlSeconds?: number;
  /** @default 'ssokit:provider:' */
  keyPrefix?: string;
  /** Epoch milliseconds. @default Date.now */
  now?: () => number;
}

interface TokenRecord {
  apiKey: string;
  expiresAt: number;
}

interface BindingRecord {
  userId: number;
  authDigest: string;
}

function apiError(code: 'REQUEST_TOKEN_NOT_FOUND' | 'REQUEST_TOKEN_ERROR' | 'AUTH_TOKEN_ERROR'): SsoError {
  return new SsoError(SsoErrorCode[code], WIRE_ERROR_TEXT[code]);
}

function parse<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/**
 * Request tokens in a key-value store. A token is two entries: the token itself (who asked,
 * until when) and, once a user signed in, its binding (user, digest of the auth token). The
 * binding is written with `add` and consumed with `take`, so two browsers cannot both bind
 * one token and two back-channel calls cannot both redeem it.
 */
export function requestTokens(options: RequestTokensOptions): RequestTokens {
  const { store } = options;
  const ttlMs = (options.ttlSeconds ?? 240) * 1000;
  const prefix = options.keyPrefix ?? 'ssokit:provider:';
  const now = options.now ?? Date.now;
  // Keys hold a digest, not the token, so a store dump does not contain live tokens.
  const tokenKey = (digest: string) => `${prefix}rt:${digest}`;
  const bindingKey = (digest: string) => `${prefix}rt-bound:${digest}`;
  const remainingSeconds = (expiresAt: number) => Math.max(1, Math.ceil((expiresAt - now()) / 1000));

  /** The token's digest and live record; undefined when malformed, unknown or expired. */
  const liveRecord = async (token: string): Promise<{ digest: string; record: TokenRecord } | undefined> => {
    if (!looksLikeHexToken(token, REQUEST_TOKEN_BYTES)) return undefined;
    const digest = tokenDigest(token);
    const record = parse<TokenRecord>(await store.get(tokenKey(digest)));
    // The store's own TTL is in whole seconds and runs on its clock; the record's expiry is exact.
    return record !== undefined && record.expiresAt > now() ? { digest, record } : undefined;
  };

  return {
    async issue(apiKey) {
      const token = randomHexToken(REQUEST_TOKEN_BYTES);
      const expiresAt = now() + ttlMs;
      const record: TokenRecord = { apiKey, expiresAt };
      await store.set(tokenKey(tokenDigest(token)), JSON.stringify(record), remainingSeconds(expiresAt));
      return { token, expiresAt };
    },

    async inspect(token) {
      const live = await liveRecord(token);
      if (live === undefined) return undefined;
      const bound = (await store.get(bindingKey(live.digest))) !== undefined;
      return { apiKey: live.record.apiKey, expiresAt: live.record.expiresAt, bound };
    },

    async bind(token, userId) {
      const live = await liveRecord(token);
      if (live === undefined) return undefined;
      const authToken = randomHexToken(AUTH_TOKEN_BYTES);
      const binding: BindingRecord = { userId, authDigest: tokenDigest(authToken) };
      const stored = await store.add(
        bindingKey(live.digest),
        JSON.stringify(binding),
        remainingSeconds(live.record.expiresAt),
      );
      return stored ? authToken : undefined;
    },

    async redeem(token, apiKey, authToken) {
      const live = await liveRecord(token);
      // A token asked for by another key reads as unknown: it tells that key nothing.
      if (live === undefined || live.record.apiKey !== apiKey) throw apiError('REQUEST_TOKEN_NOT_FOUND');
      const binding = parse<BindingRecord>(await store.take(bindingKey(live.digest)));
      if (binding === undefined) throw apiError('REQUEST_TOKEN_ERROR');
      await store.delete(tokenKey(live.digest));
      if (!constantTimeEqual(tokenDigest(authToken), binding.authDigest)) throw apiError('AUTH_TOKEN_ERROR');
      return binding.userId;
    },
  };
}
