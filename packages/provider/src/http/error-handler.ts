import type { ServerResponse } from 'node:http';
import { isSsoError, wireErrorJson } from '@ssokit/protocol';
import type { NextFunction, Request, Response } from 'express';
import type { ProviderLogger } from '../logging/provider-logger.ts';
import { messagePage } from '../pages/pages.ts';
import { sendPage } from './page-response.ts';
import { expressRequestContext, type RequestContext } from './request-context.ts';
import { splitUrl } from './request-parameters.ts';

interface Failure {
  status: number;
  /** Safe to show: never a token, secret or driver message. */
  text: string;
}

function describe(error: unknown): Failure {
  if (isSsoError(error)) {
    const status = (error as { status: number }).status;
    return { status, text: status >= 500 ? 'service unavailable' : error.wireMessage };
  }
  // body-parser and http-errors: 413 too large, 400 bad encoding, 415 charset.
  const status =
    (error as { status?: unknown; statusCode?: unknown })?.status ??
    (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, text: status === 413 ? 'request body too large' : 'malformed request' };
  }
  return { status: 500, text: 'internal error' };
}

export interface FailureAnswerOptions {
  logger: ProviderLogger;
  prefix: string;
  siteName: string;
}

/**
 * Turns any failure into a clean answer in the shape the caller expects (`{"error": ...}` on
 * the signed endpoints, a page elsewhere) and one log line. 4xx are the caller's mistake
 * (warn); 503 is a store that is down; 500 a bug. Shared by Express and the SSO fast path.
 */
export function failureAnswerer(options: FailureAnswerOptions) {
  const apiPaths = ['reqeusttoken/', 'requesttoken/', 'authtoken/'].map((name) => `${options.prefix}${name}`);
  return (error: unknown, method: string, context: RequestContext, res: ServerResponse): void => {
    const failure = describe(error);
    const { path } = splitUrl(context.url);
    const details = { event: 'http_error', status: failure.status, method, path, address: context.address };
    if (failure.status >= 500) options.logger.error({ ...details, err: error }, 'request failed');
    else options.logger.warn({ ...details, reason: failure.text }, 'request refused');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (failure.status === 503) res.setHeader('Retry-After', '5');
    if (apiPaths.includes(path)) {
      res.statusCode = failure.status;
      res.setHeader('Content-Type', 'application/json');
      res.end(wireErrorJson(failure.text));
      return;
    }
    const hint = failure.status >= 500 ? 'Please try again in a moment.' : undefined;
    sendPage(res, failure.status, options.siteName, 'Error', messagePage(capitalize(failure.text), hint));
  };
}

/** The last error handler of the Express app. */
export function errorHandler(options: FailureAnswerOptions) {
  const answer = failureAnswerer(options);
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    answer(error, req.method, expressRequestContext(req), res);
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
