import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { isEndpointAllowed } from '../api-key-source.ts';
import { hasBodyWithoutLength } from '../body-framing.ts';
import { isSsoError } from '../errors.ts';
import { identicalCallsWarning } from '../identical-calls.ts';
import {
  SignedRequestVerifier,
  type SignedRequestVerifierOptions,
  type VerifiedCall,
} from '../signed-request-verifier.ts';
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
  const verifier = new SignedRequestVerifier(options);
  const { logger } = options;
  // A weakened default is said once at start, also without a logger.
  const warning = identicalCallsWarning(options.identicalCalls, 'requireSignedCall()');
  if (warning !== undefined) {
    if (logger === undefined) process.emitWarning(warning);
    else logger.warn({ identicalCalls: options.identicalCalls }, warning);
  }
  const except = options.except ?? [];
  // Every body is read, whatever its content type: an unread body would just fail the signature.
  const readBody = express.raw({ type: () => true, limit: options.bodyLimit ?? '100kb' });

  return (req: Request, res: Response, next: NextFunction) => {
    const url = req.originalUrl;
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    if (except.length > 0 && isEndpointAllowed(except, path)) {
      next();
      return;
    }
    readBody(req, res, (bodyError?: unknown) => {
      if (bodyError !== undefined && bodyError !== null) {
        const status = httpStatusOf(bodyError);
        const text = status === 413 ? 'request body too large' : 'malformed request body';
        logger?.warn({ status, method: req.method, path }, `signed call refused: ${text}`);
        sendError(res, status, text);
        return;
      }
      const body: unknown = req.body;
      if (body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string') {
        logger?.error(
          { method: req.method, path },
          'signed call body was parsed before requireSignedCall(); mount body parsers after it',
        );
        sendError(res, 500, 'server misconfigured');
        return;
      }
      verifier
        .verify({
          path,
          rawQuery: queryStart === -1 ? '' : url.slice(queryStart + 1),
          body,
          chunked: hasBodyWithoutLength(req.headers),
        })
        .then((call) => {
          req.signedCall = call;
          next();
        })
        .catch((error: unknown) => {
          if (isSsoError(error) && error.status < 500) {
            logger?.warn(
              { code: error.code, status: error.status, method: req.method, path },
              'signed call refused',
            );
            sendError(res, error.status, error.wireMessage);
            return;
          }
          logger?.error({ err: error, method: req.method, path }, 'signed call could not be verified');
          sendError(
            res,
            isSsoError(error) ? error.status : 500,
            isSsoError(error) ? error.wireMessage : 'internal error',
          );
        });
    });
  };
}

function httpStatusOf(error: unknown): number {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 400;
}

function sendError(res: Response, status: number, text: string): void {
  if (res.headersSent) return;
  res.status(status).type('application/json').send(wireErrorJson(text));
}
