import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';

/**
 * Cookie names carry the `ssokit_provider_` prefix: cookies are per host, not per port, so a
 * client app on the same host (localhost:8000 next to a provider on :9000) shares the jar.
 */
export const SESSION_COOKIE = 'ssokit_provider_session';
export const CSRF_COOKIE = 'ssokit_provider_csrf';

/** One cookie of the request; undefined when absent or unreadable. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined || header === '') return undefined;
  return parseCookie(header)[name];
}

export interface CookieSettings {
  secure: boolean;
  maxAgeSeconds?: number;
}

/** Sets an HttpOnly, SameSite=Lax cookie for the whole site. */
export function setCookie(res: ServerResponse, name: string, value: string, settings: CookieSettings): void {
  res.appendHeader(
    'Set-Cookie',
    stringifySetCookie(name, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: settings.secure,
      path: '/',
      ...(settings.maxAgeSeconds === undefined ? {} : { maxAge: settings.maxAgeSeconds }),
    }),
  );
}

export function clearCookie(res: ServerResponse, name: string, secure: boolean): void {
  res.appendHeader(
    'Set-Cookie',
    stringifySetCookie(name, '', { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 0 }),
  );
}
