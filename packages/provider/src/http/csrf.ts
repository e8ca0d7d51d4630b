import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyValueStore } from '@ssokit/stores';
import { CSRF_FIELD } from '../pages/pages.ts';
import { constantTimeEqual, looksLikeHexToken, randomHexToken } from '../tokens/random-token.ts';
import { CSRF_COOKIE, readCookie, SESSION_COOKIE, setCookie } from './cookies.ts';

const CSRF_TOKEN_BYTES = 32;
const CSRF_COOKIE_MAX_AGE = 31_449_600; // a year, as Django's
const SECRET_TTL_SECONDS = 400 * 86_400;
// Read again now and then, so every process follows a secret that expired and was replaced.
const SECRET_REREAD_MS = 3_600_000;

/**
 * Signed double-submit CSRF protection (OWASP's "signed double-submit cookie"): a random
 * value in an HttpOnly, SameSite=Lax cookie, and in every form the HMAC of that value and of
 * the browser's provider session cookie under a secret of this provider. A cross-site page
 * can make the browser send the cookie but cannot read it; a cookie value the attacker chose
 * or planted (a sibling subdomain, a plain-http answer) comes with no valid field, and a form
 * of a signed-in browser is bound to its session, which the attacker does not know.
 */
export interface CsrfTokens {
  /** The form field for this browser, setting the cookie if it has none. */
  tokenFor(req: IncomingMessage, res: ServerResponse, secure: boolean): Promise<string>;
  /** True when the posted form carries this provider's token for the browser's cookies. */
  matches(req: IncomingMessage, formFields: Map<string, string> | undefined): Promise<boolean>;
}

/**
 * The secret lives in the provider's key-value store, created once by whichever process needs
 * it first (`add`: one wins), so every process sharing the store accepts the others' forms
 * without any configuration; with the default in-memory store it is per process, as sessions are.
 */
export function csrfTokens(store: KeyValueStore, keyPrefix: string, now: () => number): CsrfTokens {
  const secretKey = `${keyPrefix}csrf-secret`;
  let cached: { secret: string; readAt: number } | undefined;

  const secret = async (): Promise<string> => {
    if (cached !== undefined && now() - cached.readAt < SECRET_REREAD_MS) return cached.secret;
    let value = await store.get(secretKey);
    if (value === undefined) {
      await store.add(secretKey, randomHexToken(32), SECRET_TTL_SECONDS);
      value = await store.get(secretKey);
      if (value === undefined) throw new Error('the CSRF secret could not be stored');
    }
    cached = { secret: value, readAt: now() };
    return value;
  };

  const expected = async (req: IncomingMessage, cookie: string): Promise<string> => {
    const session = readCookie(req, SESSION_COOKIE) ?? '';
    return createHmac('sha256', await secret())
      .update(`ssokit-csrf\n${cookie}\n${session}`)
      .digest('hex');
  };

  return {
    async tokenFor(req, res, secure) {
      let cookie = readCookie(req, CSRF_COOKIE);
      if (cookie === undefined || !looksLikeHexToken(cookie, CSRF_TOKEN_BYTES)) {
        cookie = randomHexToken(CSRF_TOKEN_BYTES);
        setCookie(res, CSRF_COOKIE, cookie, { secure, maxAgeSeconds: CSRF_COOKIE_MAX_AGE });
      }
      return expected(req, cookie);
    },
    async matches(req, formFields) {
      const cookie = readCookie(req, CSRF_COOKIE);
      const field = formFields?.get(CSRF_FIELD);
      if (cookie === undefined || field === undefined || !looksLikeHexToken(cookie, CSRF_TOKEN_BYTES)) {
        return false;
      }
      return constantTimeEqual(field, await expected(req, cookie));
    },
  };
}
