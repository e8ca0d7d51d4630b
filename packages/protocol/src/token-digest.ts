import { hash } from 'node:crypto';

/**
 * SHA-256 hex of a token: what the stores keep instead of the token (client sessions, the
 * provider's sessions and request tokens, rate-limit keys), so whoever reads a store (a backup,
 * a Redis `MONITOR`) cannot replay what it sees.
 */
export function tokenDigest(token: string): string {
  return hash('sha256', token, 'hex');
}
