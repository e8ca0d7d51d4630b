import type { IncomingMessage, ServerResponse } from 'node:http';
import { CSRF_FIELD } from '../pages/pages.ts';
import { constantTimeEqual, looksLikeHexToken, randomHexToken } from '../tokens/random-token.ts';
import { CSRF_COOKIE, readCookie, setCookie } from './cookies.ts';

const CSRF_TOKEN_BYTES = 32;
const CSRF_COOKIE_MAX_AGE = 31_449_600; // a year, as Django's

/**
 * Double-submit CSRF protection: a random token in an HttpOnly, SameSite=Lax cookie and the
 * same token in every form. A cross-site page can make the browser send the cookie but cannot
 * read it to fill the form field. Returns the token for the form, setting the cookie if needed.
 */
export function csrfTokenFor(req: IncomingMessage, res: ServerResponse, secure: boolean): string {
  const existing = readCookie(req, CSRF_COOKIE);
  if (existing !== undefined && looksLikeHexToken(existing, CSRF_TOKEN_BYTES)) return existing;
  const token = randomHexToken(CSRF_TOKEN_BYTES);
  setCookie(res, CSRF_COOKIE, token, { secure, maxAgeSeconds: CSRF_COOKIE_MAX_AGE });
  return token;
}

/** True when the posted form carries the browser's CSRF token. */
export function csrfTokenMatches(req: IncomingMessage, formFields: Map<string, string> | undefined): boolean {
  const cookie = readCookie(req, CSRF_COOKIE);
  const field = formFields?.get(CSRF_FIELD);
  if (cookie === undefined || field === undefined || !looksLikeHexToken(cookie, CSRF_TOKEN_BYTES))
    return false;
  return constantTimeEqual(cookie, field);
}
