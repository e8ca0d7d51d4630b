import { hash } from 'node:crypto';

/**
 * The id of a provider sign-in as both sides know it without a word more on the wire: the
 * SHA-256 hex of the auth token the provider handed out (the provider keeps the same digest).
 * The token is single-use and already redeemed when the id is used, and the digest does not
 * give it back.
 */
export function signInIdOf(authToken: string): string {
  return hash('sha256', authToken, 'hex');
}
