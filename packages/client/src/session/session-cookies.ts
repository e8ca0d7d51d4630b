import { parse, serialize } from 'cookie';

export interface CookieAttributes {
  /** Marks the cookie `Secure` (sent over https only). */
  secure: boolean;
}

/**
 * Reads one cookie from a `Cookie` header. Most requests of a site do not carry it: those
 * skip parsing altogether.
 */
export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (cookieHeader === undefined || !cookieHeader.includes(name)) return undefined;
  return parse(cookieHeader)[name];
}

/** A `Set-Cookie` value for a token: HttpOnly, SameSite=Lax, Path=/, Secure under https. */
export function tokenCookie(
  name: string,
  token: string,
  maxAgeSeconds: number,
  attributes: CookieAttributes,
): string {
  return serialize(name, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: attributes.secure,
    maxAge: Math.floor(maxAgeSeconds),
  });
}

/** A `Set-Cookie` value that makes the browser drop the cookie. */
export function clearedCookie(name: string, attributes: CookieAttributes): string {
  return serialize(name, '', {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: attributes.secure,
    maxAge: 0,
    expires: new Date(0),
  });
}
