import { createHmac } from 'node:crypto';

// A fixed key: the digest only has to change with the password hash and reveal nothing of it
// (HMAC-SHA256 of an already salted, slow hash), not stand in for a secret.
const KEY = 'ssokit.provider.session-auth-hash';

/**
 * Django's `get_session_auth_hash`: a digest of the account's stored password hash, kept in
 * each of its provider sessions. A new password gives a new digest, so the sessions made with
 * the old one no longer match (in whatever process holds them) and count as signed out.
 */
export function sessionAuthHash(passwordHash: string): string {
  return createHmac('sha256', KEY).update(passwordHash).digest('hex').slice(0, 32);
}
