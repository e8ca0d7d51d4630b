import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { hasBodyWithoutLength } from '../body-framing.ts';
import { isRefusal, SignedCallGate, type SignedCallRefusal } from '../signed-call/signed-call-gate.ts';
import type { SignedRequestVerifierOptions, VerifiedCall } from '../signed-request-verifier.ts';
import type { SsoLogger } from '../sso-logger.ts';
import { wireErrorJson } from '../wire-error-body.ts';

declare global {
  namespace Express {
    interface Request {
      /** Set by `requireSignedCall()` once the call's signature holds: the key and its parameters. */
      signedCall?: VerifiedCall;
    }
  }
}

/** The part of ssokit's logger (`SsoLogger`, a subset of pino's) the middleware uses. */
export type SignedCallLogger = Pick<SsoLogger, 'warn' | 'error'>;

export interface RequireSignedCallOptions extends SignedRequestVerifierOptions {
  /** Where refused calls (warn) and server-side failures (error) are logged. @default no logging */
  logger?: SignedCallLogger;
  /**
   * Paths that pass without a signature (a health check, a login page), as patterns of the
   * full path: exact, or with `*` for any run of characters.
   * @default []
   */
  except?: readonly string[];
  /**
   * Largest request body read for the signature (bytes, or `'100kb'`-style text); larger ones
   * get 413.
   * @default '100kb'
   */
  bodyLimit?: number | string;
}

/**
 * Express middleware that lets only dj-api-auth signed calls through, for a route, a router or
 * a whole app. On success `req.signedCall` holds the verified call and `req.body` the raw body
 * Buffer (parse it yourself: a JSON parser in front would consume the bytes the signature
 * covers). Parameters are in `req.signedCall.params`, which holds only what the signature
 * covered (not blank values, which `req.query` still shows). A body without Content-Length is
 * verified over the URL alone, as the original server did, and refused with 411 unless empty.
 * On failure it answers the original status and `{"error": "..."}`.
 */
export function requireSignedCall(options: RequireSignedCallOptions): RequestHandler {
  const gate = new SignedCallGate(options);
  const { logger } = options;
  // Every body is read, whatever its content type: an unread body would just fail the signature.
  const readBody = express.raw({ type: () => true, limit: options.bodyLimit ?? '100kb' });

  return (req: Request, res: Response, next: NextFunction) => {
    const url = req.originalUrl;
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    if (gate.isExcepted(path)) {
      next();
      return;
    }
    readBody(req, res, (bodyError?: unknown) => {
      if (bodyError !== undefined && bodyError !== null) {
        sendRefusal(res, gate.bodyRefused(httpStatusOf(bodyError), req.method, path));
        return;
      }
      const body: unknown = req.body;
      if (body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string') {
        logger?.error(
          { method: req.method, path },
          'signed call body was parsed before requireSignedCall(); mount body parsers after it',
        );
        sendRefusal(res, { status: 500, body: wireErrorJson('server misconfigured') });
        return;
      }
      gate
        .check({ method: req.method, url, body, chunked: hasBodyWithoutLength(req.headers) })
        .then((result) => {
          if (isRefusal(result)) {
            sendRefusal(res, result);
            return;
          }
          req.signedCall = result;
          next();
        })
        .catch(next);
    });
  };
}

/** The 4xx status of a body reader's failure (body-parser sets it), else 400. */
function httpStatusOf(error: unknown): number {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 400;
}

function sendRefusal(res: Response, refusal: SignedCallRefusal): void {
  if (res.headersSent) return;
  res.status(refusal.status).type('application/json').send(refusal.body);
}
