import type { Request, Response } from 'express';
import { errorPage } from '../http/error-page.ts';
import { describeError, type SsoLogger } from '../logging/sso-logger.ts';

/** True when the caller asked for JSON rather than a page (`Accept: application/json`). */
export function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

/** A 302 with the exact Location given (no re-encoding: the provider URL is byte-exact). */
export function redirect(res: Response, location: string, setCookies: readonly string[] = []): void {
  for (const cookie of setCookies) res.append('Set-Cookie', cookie);
  res.status(302).setHeader('Location', location);
  res.setHeader('Cache-Control', 'no-store');
  res.end();
}

/** Answers a failed step with a small escaped page, or JSON for API callers. */
export function sendError(
  req: Request,
  res: Response,
  error: unknown,
  options: { logger: SsoLogger; retryPath?: string; setCookies?: readonly string[] },
): void {
  const page = errorPage(error, options.retryPath === undefined ? {} : { retryPath: options.retryPath });
  if (page.status === 500)
    options.logger.error({ err: describeError(error), path: req.path }, 'unexpected error');
  for (const cookie of options.setCookies ?? []) res.append('Set-Cookie', cookie);
  res.status(page.status).setHeader('Cache-Control', 'no-store');
  if (wantsJson(req)) res.json(page.json);
  else res.type('html').send(page.html);
}
