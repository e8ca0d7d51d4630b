import { readWebBody } from '../signed-call/read-web-body.ts';
import {
  DEFAULT_SIGNED_BODY_LIMIT,
  isRefusal,
  SignedCallGate,
  type SignedCallGateOptions,
  type SignedCallRefusal,
} from '../signed-call/signed-call-gate.ts';
import type { VerifiedCall } from '../verified-call.ts';

export interface SignedFetchOptions extends SignedCallGateOptions {
  /** Largest request body read for the signature, in bytes; larger ones get 413. @default 102400 */
  bodyLimit?: number;
}

/** A call whose signature holds, with the body bytes it covered (the request's body is read). */
export interface SignedFetchCall {
  signedCall: VerifiedCall | undefined;
  /** The body the signature covered; undefined when there was none (or the path is excepted). */
  body: Uint8Array | undefined;
}

export interface SignedFetch {
  /** The verified call, or the `Response` to answer (the original's status and JSON). */
  check(request: Request): Promise<SignedFetchCall | Response>;
  /** Wraps a fetch app so that only signed calls reach it. */
  wrap(
    app: (request: Request, call: SignedFetchCall) => Response | Promise<Response>,
  ): (request: Request) => Promise<Response>;
}

const refusalResponse = (refusal: SignedCallRefusal) =>
  new Response(refusal.body, { status: refusal.status, headers: { 'content-type': 'application/json' } });

/** `requireSignedCall()` for fetch runtimes (Next.js route handlers, Bun, Deno): web `Request` in. */
export function requireSignedCall(options: SignedFetchOptions): SignedFetch {
  const gate = new SignedCallGate(options);
  const limit = options.bodyLimit ?? DEFAULT_SIGNED_BODY_LIMIT;

  const check = async (request: Request): Promise<SignedFetchCall | Response> => {
    const absolute = request.url;
    const pathStart = absolute.indexOf('/', absolute.indexOf('//') + 2);
    const url = pathStart === -1 ? '/' : absolute.slice(pathStart);
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    if (gate.isExcepted(path)) return { signedCall: undefined, body: undefined };
    let body: Uint8Array | undefined | 'too-large';
    try {
      body = await readWebBody(request, limit);
    } catch {
      return refusalResponse(gate.bodyRefused(400, request.method, path));
    }
    if (body === 'too-large') return refusalResponse(gate.bodyRefused(413, request.method, path));
    const result = await gate.check({ method: request.method, url, body });
    if (isRefusal(result)) return refusalResponse(result);
    return { signedCall: result, body };
  };

  return {
    check,
    wrap: (app) => async (request) => {
      const checked = await check(request);
      return checked instanceof Response ? checked : app(request, checked);
    },
  };
}
