import { createSecretKey, type KeyObject } from 'node:crypto';

/**
 * Secrets as ready-made HMAC keys. Turning a string secret into a key on every call costs
 * about a tenth of the HMAC itself, and signing and verifying sit on every API call. Bounded:
 * past the limit the cache starts over rather than growing with every secret ever seen.
 */
const keys = new Map<string, KeyObject>();
const LIMIT = 1024;

export function hmacKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (key === undefined) {
    if (keys.size >= LIMIT) keys.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}
