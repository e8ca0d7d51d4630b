import type { ServerResponse } from 'node:http';
import { wireErrorJson } from '@ssokit/protocol';
import { sendPage } from '../http/page-response.ts';
import { setSecurityHeaders } from '../http/security-headers.ts';
import { messagePage } from '../pages/pages.ts';

/**
 * The answer while the provider is starting (its database not reached yet): 503 with
 * `Retry-After`, in the shape the caller expects (the original's JSON error on the signed
 * endpoints, a page elsewhere). Not logged per request: the retries log the outage.
 */
export function sendStarting(res: ServerResponse, path: string, prefix: string, siteName: string): void {
  setSecurityHeaders(res);
  res.setHeader('Retry-After', '5');
  if (path.startsWith(prefix) && path !== `${prefix}login/`) {
    const body = wireErrorJson('service unavailable');
    res.statusCode = 503;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
    return;
  }
  sendPage(
    res,
    503,
    siteName,
    'Starting',
    messagePage('Sign-in is starting up and not available yet.', 'Please try again in a moment.'),
  );
}
