import type { Request, Response } from 'express';
import { renderDocument, type SafeHtml } from '../pages/html.ts';

/** Sends a full HTML page. */
export function sendPage(
  res: Response,
  status: number,
  siteName: string,
  title: string,
  body: SafeHtml,
): void {
  res.status(status).type('text/html; charset=utf-8').send(renderDocument({ title, siteName, body }));
}

/**
 * The SSO login page's refusals, as the original sent them: status 403 and the bare text
 * (`parameter missing`) as an HTML body, which an unmodified client shows as is.
 */
export function sendPlainRefusal(res: Response, status: number, text: string): void {
  res.status(status).setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(text);
}

/** `Secure` cookies: on https, or always/never when configured so. */
export function cookiesSecure(req: Request, setting: 'auto' | boolean): boolean {
  return setting === 'auto' ? req.secure : setting;
}

/** The client's address for logs and rate limits (see `trustProxy` behind a proxy). */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
