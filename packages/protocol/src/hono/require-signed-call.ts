import type { MiddlewareHandler } from 'hono';
import { readWebBody } from '../signed-call/read-web-body.ts';
import {
  DEFAULT_SIGNED_BODY_LIMIT,
  isRefusal,
  SignedCallGate,
  type SignedCallGateOptions,
  type SignedCallRefusal,
} from '../signed-call/signed-call-gate.ts';
import type { VerifiedCall } from '../verified-call.ts';

export interface SignedCallVariables {
  /** The verified call; undefined on an `except` path. */
  signedCall: VerifiedCall | undefined;
}

export interface SignedCallEnv {
  Variables: SignedCallVariables;
}

export interface RequireSignedCallOptions extends SignedCallGateOptions {
  /** Largest request body read for the signature, in bytes; larger ones get 413. @default 102400 */
  bodyLimit?: number;
}

const refusal = (answer: SignedCallRefusal) =>
  new Response(answer.body, { status: answer.status, headers: { 'content-type': 'application/json' } });

/**
 * Hono middleware that lets only dj-api-auth signed calls through. On success
 * `c.get('signedCall')` holds the verified call, and `c.req.json()` / `text()` /
 * `arrayBuffer()` give the very bytes the signature covered (read once, here).
 */
export function requireSignedCall(options: RequireSignedCallOptions): MiddlewareHandler<SignedCallEnv> {
  const gate = new SignedCallGate(options);
  const limit = options.bodyLimit ?? DEFAULT_SIGNED_BODY_LIMIT;
  return async (c, next) => {
    const absolute = c.req.raw.url;
    const pathStart = absolute.indexOf('/', absolute.indexOf('//') + 2);
    const url = pathStart === -1 ? '/' : absolute.slice(pathStart);
    const path = c.req.path;
    if (gate.isExcepted(path)) {
      c.set('signedCall', undefined);
      return next();
    }
    let body: Uint8Array | undefined | 'too-large';
    try {
      body = await readWebBody(c.req.raw, limit);
    } catch {
      return refusal(gate.bodyRefused(400, c.req.method, path));
    }
    if (body === 'too-large') return refusal(gate.bodyRefused(413, c.req.method, path));
    const result = await gate.check({ method: c.req.method, url, body });
    if (isRefusal(result)) return refusal(result);
    // Later reads (`c.req.json()`) come from these bytes: the raw stream is spent.
    const bytes = body ?? new Uint8Array(0);
    // Hono keeps promises there (its type says values); its readers derive text and JSON from it.
    (c.req.bodyCache as Record<string, unknown>).arrayBuffer = Promise.resolve(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    c.set('signedCall', result);
    await next();
  };
}
