import { isEndpointAllowed } from '../api-key-source.ts';
import { isSsoError } from '../errors.ts';
import { identicalCallsWarning } from '../identical-calls.ts';
import { SignedRequestVerifier, type SignedRequestVerifierOptions } from '../signed-request-verifier.ts';
import type { VerifiedCall } from '../verified-call.ts';
import { wireErrorJson } from '../wire-error-body.ts';

/** The part of a pino logger the signed-call adapters use. */
export interface SignedCallGateLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface SignedCallGateOptions extends SignedRequestVerifierOptions {
  /** Where refused calls (warn) and server-side failures (error) are logged. @default no logging */
  logger?: SignedCallGateLogger;
  /**
   * Paths that pass without a signature (a health check, a login page), as patterns of the
   * full path: exact, or with `*` for any run of characters.
   * @default []
   */
  except?: readonly string[];
}

/** A refused call: the original's status and `{"error": "..."}` body. */
export interface SignedCallRefusal {
  readonly status: number;
  readonly body: string;
}

/** The default body limit of the fastify, hono and fetch adapters. */
export const DEFAULT_SIGNED_BODY_LIMIT = 100 * 1024;

/**
 * The framework-free part of `requireSignedCall()`: which paths pass unsigned, the verifier,
 * and the original's status and text for each refusal. Adapters read the body and translate.
 */
export class SignedCallGate {
  readonly #verifier: SignedRequestVerifier;
  readonly #logger: SignedCallGateLogger | undefined;
  readonly #except: readonly string[];

  constructor(options: SignedCallGateOptions) {
    this.#verifier = new SignedRequestVerifier(options);
    this.#logger = options.logger;
    this.#except = options.except ?? [];
    // A weakened default is said once at start, by every adapter alike, also without a logger.
    const warning = identicalCallsWarning(options.identicalCalls, 'requireSignedCall()');
    if (warning === undefined) return;
    if (this.#logger === undefined) process.emitWarning(warning);
    else this.#logger.warn({ identicalCalls: options.identicalCalls }, warning);
  }

  /** True when the path (without query) passes without a signature. */
  isExcepted(path: string): boolean {
    return this.#except.length > 0 && isEndpointAllowed(this.#except, path);
  }

  /**
   * The refusal of a body that could not be read, with the 4xx status of the reader's failure
   * (413 when too large, 400 when malformed, 415 for an unknown Content-Encoding, ...).
   */
  bodyRefused(status: number, method: string, path: string): SignedCallRefusal {
    const text = status === 413 ? 'request body too large' : 'malformed request body';
    this.#logger?.warn({ status, method, path }, `signed call refused: ${text}`);
    return { status, body: wireErrorJson(text) };
  }

  /**
   * Verifies a call; `url` is the path and raw query as received, `chunked` true for a body
   * without Content-Length (see `IncomingSignedRequest.chunked`).
   */
  async check(input: {
    method: string;
    url: string;
    body: string | Uint8Array | undefined;
    chunked?: boolean;
  }): Promise<VerifiedCall | SignedCallRefusal> {
    const queryStart = input.url.indexOf('?');
    const path = queryStart === -1 ? input.url : input.url.slice(0, queryStart);
    const rawQuery = queryStart === -1 ? '' : input.url.slice(queryStart + 1);
    try {
      return await this.#verifier.verify({
        path,
        rawQuery,
        ...(input.body === undefined ? {} : { body: input.body }),
        ...(input.chunked === true ? { chunked: true } : {}),
      });
    } catch (error) {
      const method = input.method;
      if (isSsoError(error) && error.status < 500) {
        this.#logger?.warn({ code: error.code, status: error.status, method, path }, 'signed call refused');
        return { status: error.status, body: wireErrorJson(error.wireMessage) };
      }
      this.#logger?.error({ err: error, method, path }, 'signed call could not be verified');
      const status = isSsoError(error) ? error.status : 500;
      return { status, body: wireErrorJson(isSsoError(error) ? error.wireMessage : 'internal error') };
    }
  }
}

/** True for a refusal rather than a verified call. */
export function isRefusal(result: VerifiedCall | SignedCallRefusal): result is SignedCallRefusal {
  return typeof (result as SignedCallRefusal).status === 'number';
}
