import { SsoError, SsoErrorCode } from './errors.ts';
import {
  fetchTransport,
  type HttpTransport,
  nodeHttpTransport,
  ResponseTooLargeError,
  type TransportResponse,
} from './http-transport.ts';
import type { QueryPair } from './python2-form-encoding.ts';
import { signRequest } from './request-signer.ts';

export interface SignedApiClientOptions {
  /** Where the API lives: origin plus an optional base path (`https://sso.example.com`). */
  baseUrl: string;
  apiKey: string;
  /** The key's secret; only ever used for the HMAC, never sent or put in a message. */
  secretKey: string;
  /**
   * Time allowed for the whole call, answer body included, in milliseconds.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * Most bytes read of an answer. A user's JSON is a few hundred bytes; a longer answer (a
   * broken or hostile server streaming without end) is abandoned at this size and the call
   * fails with PROVIDER_RESPONSE_TOO_LARGE (502), instead of filling memory until the timeout.
   * @default 262144 (256 KiB)
   */
  maxResponseBytes?: number;
  /**
   * Sends the calls through this WHATWG fetch instead (tests, a custom dispatcher).
   * @default undefined: `node:http`/`node:https` with a keep-alive agent per client
   */
  fetch?: typeof fetch;
  /** Sends the calls through this transport instead; wins over `fetch`. For tests. */
  transport?: HttpTransport;
}

/**
 * Makes dj-api-auth signed calls and returns the JSON answer. Failures are `SsoError`s a
 * caller can map to a page: PROVIDER_UNREACHABLE (502), PROVIDER_TIMEOUT (504),
 * PROVIDER_REFUSED (502; the server's status as `providerStatus`, its `{"error": text}` as
 * `wireMessage`),
 * PROVIDER_BAD_RESPONSE (502: a redirect, or an answer that is not JSON),
 * PROVIDER_RESPONSE_TOO_LARGE (502: an answer over `maxResponseBytes`).
 */
export class SignedApiClient {
  readonly #origin: string;
  readonly #basePath: string;
  readonly #apiKey: string;
  readonly #secretKey: string;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #transport: HttpTransport;

  constructor(options: SignedApiClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new TypeError('SignedApiClient: options.baseUrl must be an absolute http(s) URL');
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new TypeError('SignedApiClient: options.baseUrl must be an absolute http(s) URL');
    }
    if (base.username !== '' || base.password !== '' || base.search !== '' || base.hash !== '') {
      throw new TypeError(
        'SignedApiClient: options.baseUrl must not carry credentials, a query or a fragment',
      );
    }
    if (typeof options.apiKey !== 'string' || options.apiKey === '') {
      throw new TypeError('SignedApiClient: options.apiKey must be a non-empty string');
    }
    if (typeof options.secretKey !== 'string' || options.secretKey === '') {
      throw new TypeError('SignedApiClient: options.secretKey must be a non-empty string');
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new TypeError('SignedApiClient: options.timeoutMs must be a positive number');
    }
    const maxResponseBytes = options.maxResponseBytes ?? 256 * 1024;
    if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) {
      throw new TypeError('SignedApiClient: options.maxResponseBytes must be a positive integer');
    }
    this.#maxResponseBytes = maxResponseBytes;
    this.#origin = base.origin;
    this.#basePath = base.pathname.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#secretKey = options.secretKey;
    this.#timeoutMs = timeoutMs;
    this.#transport =
      options.transport ??
      (options.fetch === undefined ? nodeHttpTransport() : fetchTransport(options.fetch));
  }

  /** Signed GET of `path` (below the base URL's path), with extra query parameters. */
  get<T = unknown>(path: string, params: readonly QueryPair[] = []): Promise<T> {
    return this.#call<T>('GET', path, params, undefined);
  }

  /** Signed POST; the body's bytes are part of the signature. */
  post<T = unknown>(path: string, body: string, params: readonly QueryPair[] = []): Promise<T> {
    return this.#call<T>('POST', path, params, body);
  }

  async #call<T>(
    method: string,
    path: string,
    params: readonly QueryPair[],
    body: string | undefined,
  ): Promise<T> {
    if (!path.startsWith('/'))
      throw new TypeError(`SignedApiClient: path must start with "/", got "${path}"`);
    const fullPath = this.#basePath + path;
    // Messages name the endpoint without its query: the query carries tokens and the signature.
    const endpoint = `${this.#origin}${fullPath.split('?')[0]}`;
    const signed = signRequest({
      apiKey: this.#apiKey,
      secretKey: this.#secretKey,
      path: fullPath,
      params,
      ...(body === undefined ? {} : { body }),
    });
    let response: TransportResponse;
    try {
      // Neither transport follows redirects: one would carry the signed query elsewhere.
      response = await this.#transport({
        method,
        url: this.#origin + signed.pathWithQuery,
        timeoutMs: this.#timeoutMs,
        maxResponseBytes: this.#maxResponseBytes,
        ...(body === undefined ? {} : { body }),
      });
    } catch (cause) {
      if (cause instanceof ResponseTooLargeError) {
        throw new SsoError(
          SsoErrorCode.PROVIDER_RESPONSE_TOO_LARGE,
          `${method} ${endpoint} answered more than ${this.#maxResponseBytes} bytes`,
          { cause },
        );
      }
      if (isTimeout(cause)) {
        throw new SsoError(
          SsoErrorCode.PROVIDER_TIMEOUT,
          `${method} ${endpoint} timed out after ${this.#timeoutMs} ms`,
          { cause },
        );
      }
      throw new SsoError(
        SsoErrorCode.PROVIDER_UNREACHABLE,
        `${method} ${endpoint} failed: ${reason(cause)}`,
        { cause },
      );
    }
    return this.#interpret<T>(method, endpoint, response);
  }

  #interpret<T>(method: string, endpoint: string, response: TransportResponse): T {
    const { status, text } = response;
    if (status >= 300 && status < 400) {
      throw new SsoError(
        SsoErrorCode.PROVIDER_BAD_RESPONSE,
        `${method} ${endpoint} answered a redirect (${status})`,
      );
    }
    let json: unknown;
    let isJson = true;
    try {
      json = JSON.parse(text);
    } catch {
      isJson = false;
    }
    if (status < 200 || status >= 300) {
      const wireMessage =
        isJson && typeof (json as { error?: unknown })?.error === 'string'
          ? (json as { error: string }).error
          : `HTTP ${status}`;
      throw new SsoError(
        SsoErrorCode.PROVIDER_REFUSED,
        `${method} ${endpoint} refused: ${status} ${wireMessage}`,
        { providerStatus: status, wireMessage },
      );
    }
    if (!isJson) {
      const type = response.contentType ?? 'no content type';
      throw new SsoError(
        SsoErrorCode.PROVIDER_BAD_RESPONSE,
        `${method} ${endpoint} answered ${status} with non-JSON (${type})`,
      );
    }
    return json as T;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** The network reason (ECONNREFUSED, ENOTFOUND…): on node:http's error, or in fetch's `cause`. */
function reason(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error)
    return 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
  return error instanceof Error ? error.message : String(error);
}
