import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCookie as readCookieOf, type SiteCookieOptions, siteCookie } from '@ssokit/protocol';

/**
 * Cookie names carry the `ssokit_provider_` prefix: cookies are per host, not per port, so a
 * client app on the same host (localhost:8000 next to a provider on :9000) shares the jar.
 */
export const SESSION_COOKIE = 'ssokit_provider_session';
export const CSRF_COOKIE = 'ssokit_provider_csrf';

/** One cookie of the request; undefined when absent or unreadable. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  return readCookieOf(req.headers.cookie, name);
}

/** Sets an HttpOnly, SameSite=Lax cookie for the whole site (Secure under https). */
export function setCookie(
  res: ServerResponse,
  name: string,
  value: string,
  settings: SiteCookieOptions,
): void {
  res.appendHeader('Set-Cookie', siteCookie(name, value, settings));
}

/** Drops the cookie: empty, Max-Age=0 (no Expires, as the provider has always sent). */
export function clearCookie(res: ServerResponse, name: string, secure: boolean): void {
  res.appendHeader('Set-Cookie', siteCookie(name, '', { secure, maxAgeSeconds: 0 }));
}
