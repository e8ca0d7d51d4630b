import { hash } from 'node:crypto';
import type { KeyValueStore } from '@ssokit/stores';

/**
 * Binds each started sign-in to the browser that started it, as OAuth's `state` does. The
 * browser holds a random cookie; the store holds one short-lived entry per (cookie, request
 * token) pair, taken atomically by the callback. A callback opened in another browser (login
 * CSRF: an attacker's own sign-in pushed onto a victim), or a replayed one, finds no entry.
 * Several tabs signing in at once each get their own entry under the same cookie.
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

  /** The state of a sign-in this browser started, removed so it works once; else undefined. */
  async consume(browserToken: string, requestToken: string): Promise<{ redirectTo: string } | undefined> {
    const text = await this.store.take(this.key(browserToken, requestToken));
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
