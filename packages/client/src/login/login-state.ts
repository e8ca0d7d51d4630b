import { hash } from 'node:crypto';
import type { KeyValueStore } from '@ssokit/stores';
import { generateToken, isWellFormedToken } from '../session/session-token.ts';

/** Pending sign-ins of one browser that can finish: one per tab that started one lately. */
const MAX_PENDING = 4;

/**
 * The login-state cookie of a sign-in that starts now: a new random token, which the request
 * token is bound to, ahead of the browser's previous ones (so sign-ins begun in other tabs can
 * still finish). A value the browser brings is never the one a new sign-in is bound to: a
 * value planted by someone else (a sibling subdomain, a plain-http answer) binds nothing.
 */
export function renewedLoginState(previous: string | undefined): { token: string; cookie: string } {
  const token = generateToken();
  const kept = loginStateTokens(previous).slice(0, MAX_PENDING - 1);
  return { token, cookie: [token, ...kept].join('.') };
}

/** The well-formed tokens of a login-state cookie, newest first. */
export function loginStateTokens(cookie: string | undefined): string[] {
  if (cookie === undefined || cookie.length > MAX_PENDING * 44) return [];
  return cookie
    .split('.')
    .filter(isWellFormedToken)
    .filter((token, index, all) => all.indexOf(token) === index)
    .slice(0, MAX_PENDING);
}

/**
 * Binds each started sign-in to the browser that started it, as OAuth's `state` does. The
 * browser holds a random cookie; the store holds one short-lived entry per (cookie, request
 * token) pair, taken atomically by the callback. A callback opened in another browser (login
 * CSRF: an attacker's own sign-in pushed onto a victim), or a replayed one, finds no entry.
 * Each start binds its request token to a new token of the cookie (see `renewedLoginState`);
 * the callback tries the cookie's few tokens.
 */
export class LoginStateStore {
  constructor(
    private readonly store: KeyValueStore,
    private readonly ttlSeconds: number,
    private readonly keyPrefix = 'ssokit_login:',
  ) {}

  /** Remembers that this browser started a sign-in with this request token. */
  async remember(browserToken: string, requestToken: string, state: { redirectTo: string }): Promise<void> {
    await this.store.set(this.key(browserToken, requestToken), JSON.stringify(state), this.ttlSeconds);
  }

  /**
   * The state of a sign-in this browser started (under one of the cookie's tokens), removed so
   * it works once; else undefined.
   */
  async consume(
    cookie: string | undefined,
    requestToken: string,
  ): Promise<{ redirectTo: string } | undefined> {
    const tokens = loginStateTokens(cookie);
    if (tokens.length === 0) return undefined;
    // At most one key exists: the request token was bound to one new token at its start.
    const texts = await Promise.all(tokens.map((token) => this.store.take(this.key(token, requestToken))));
    const text = texts.find((value) => value !== undefined);
    if (text === undefined) return undefined;
    try {
      const state = JSON.parse(text) as { redirectTo?: unknown };
      return { redirectTo: typeof state.redirectTo === 'string' ? state.redirectTo : '' };
    } catch {
      return { redirectTo: '' };
    }
  }

  private key(browserToken: string, requestToken: string): string {
    // Hashed: the store never holds the cookie value nor the request token in the clear.
    return `${this.keyPrefix}${hash('sha256', `${browserToken}\n${requestToken}`, 'hex')}`;
  }
}
