import type { ServerResponse } from 'node:http';
import { SSO_ERRORS } from '@ssokit/protocol';
import { renderDocument, type SafeHtml } from '../pages/html.ts';
import { messagePage } from '../pages/pages.ts';

// Plain `node:http` writes, so the SSO fast path and the Express routes answer alike. No ETag:
// every page is `Cache-Control: no-store` and carries a CSRF token or a request token.

/** Sends a full HTML page. */
export function sendPage(
  res: ServerResponse,
  status: number,
  siteName: string,
  title: string,
  body: SafeHtml,
  layout: { wide?: boolean } = {},
): void {
  const document = renderDocument({ title, siteName, body, ...layout });
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(document));
  res.end(document);
}

/** 405 with the methods the page does accept in `Allow`. */
export function sendMethodNotAllowed(res: ServerResponse, siteName: string, allow: string): void {
  res.setHeader('Allow', allow);
  sendPage(res, 405, siteName, 'Not allowed', messagePage('This page does not accept that request method.'));
}

/** 403 for a form whose CSRF token does not match; `retry` names what to do again ("sign in"). */
export function sendFormExpired(res: ServerResponse, siteName: string, retry: string): void {
  sendPage(
    res,
    403,
    siteName,
    'Form expired',
    messagePage(
      'This form has expired or was not sent by this site.',
      `Go back, reload the page and ${retry} again.`,
    ),
  );
}

/**
 * The SSO login page's refusals, as the original sent them: status 403 and the bare text
 * (`parameter missing`) as an HTML body, which an unmodified client shows as is.
 */
/** The codes the login page refuses with, each with its status and text in `SSO_ERRORS`. */
export type PlainRefusalCode =
  | 'PARAMETER_MISSING'
  | 'INVALID_REQUEST_TOKEN'
  | 'REMOTE_HOST_DENIED'
  | 'METHOD_NOT_ALLOWED';

export function sendPlainRefusal(res: ServerResponse, code: PlainRefusalCode): void {
  const { status, wireText } = SSO_ERRORS[code];
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(wireText);
}

/**
 * A 302 to a URL this provider built from a parsed `URL` (already percent-encoded), with an
 * empty body, as the original's `HttpResponseRedirect`.
 */
export function sendRedirect(res: ServerResponse, location: string): void {
  res.statusCode = 302;
  res.setHeader('Location', location);
  res.end();
}

/** `Secure` cookies: on https, or always/never when configured so. */
export function cookiesSecure(https: boolean, setting: 'auto' | boolean): boolean {
  return setting === 'auto' ? https : setting;
}
