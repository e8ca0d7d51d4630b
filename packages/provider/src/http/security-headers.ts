import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { STYLE_CSP_SOURCE } from '../pages/html.ts';

/**
 * The Content-Security-Policy of every page: nothing but the one inline style block; forms
 * may post to this site (and, on the SSO page, redirect on to the client app's origin).
 */
export function contentSecurityPolicy(extraFormTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `style-src ${STYLE_CSP_SOURCE}`,
    "img-src 'self'",
    `form-action 'self'${extraFormTargets.map((origin) => ` ${origin}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const DEFAULT_CSP = contentSecurityPolicy();

/**
 * Headers on every response: no framing, no sniffing, no referrer (login URLs carry request
 * tokens), nothing cached (pages carry CSRF tokens, answers carry tokens and user data).
 */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', DEFAULT_CSP);
}

/** {@link setSecurityHeaders} as Express middleware. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  setSecurityHeaders(res);
  next();
}
