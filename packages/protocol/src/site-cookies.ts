import { parseCookie, stringifySetCookie } from 'cookie';

/**
 * The one cookie shape of the client and the provider: HttpOnly (no script reads a session
 * or CSRF token), SameSite=Lax (sent on the top-level redirects of a login, not on cross-site
 * posts), Path=/ (one cookie for the whole site), and Secure when the site is served over https.
 */
export interface SiteCookieOptions {
  /** Marks the cookie `Secure` (sent over https only). */
  secure: boolean;
  /** Lifetime in seconds (rounded down); a browser-session cookie when absent. */
  maxAgeSeconds?: number;
}

/**
 * Reads one cookie from a `Cookie` header; undefined when absent. Most requests of a site do
 * not carry the cookie asked for: those skip parsing altogether (cookie names are not encoded,
 * so a header without the name cannot hold the cookie).
 */
export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (cookieHeader === undefined || !cookieHeader.includes(name)) return undefined;
  return parseCookie(cookieHeader)[name];
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure under https. */
export function siteCookie(name: string, value: string, options: SiteCookieOptions): string {
  return stringifySetCookie(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: options.secure,
    ...(options.maxAgeSeconds === undefined ? {} : { maxAge: Math.floor(options.maxAgeSeconds) }),
  });
}

/**
 * A `Set-Cookie` value that makes the browser drop the cookie: an empty value with Max-Age=0
 * and, for browsers that predate Max-Age, an Expires in 1970 (as Django's `delete_cookie`).
 */
export function clearedCookie(name: string, options: Pick<SiteCookieOptions, 'secure'>): string {
  return stringifySetCookie(name, '', {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: options.secure,
    maxAge: 0,
    expires: new Date(0),
  });
}
