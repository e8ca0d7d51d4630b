import { createHash } from 'node:crypto';

/** Memcached refuses keys longer than this many bytes. */
export const MEMCACHED_MAX_KEY_BYTES = 250;

// Marks a hashed key. A caller key that itself starts with the marker is hashed too, so a raw
// key can never be mistaken for the hash of another one.
const HASH_MARKER = 'sha256:';

// Printable ASCII without space: what both the text and the binary protocol accept.
const SAFE_KEY = /^[\x21-\x7e]*$/;

/** Refuses a key prefix memcached could not store, naming the option. */
export function assertMemcachedKeyPrefix(keyPrefix: string, option: string): void {
  if (!SAFE_KEY.test(keyPrefix) || Buffer.byteLength(keyPrefix) > 100) {
    throw new TypeError(`${option} must be at most 100 printable ASCII characters without spaces`);
  }
}

/**
 * The memcached key for a store key. Keys that memcached accepts (printable ASCII, no spaces
 * or control characters, at most 250 bytes with the prefix) are kept as they are, so they stay
 * readable in `memcached-tool` dumps; any other key becomes `PREFIX + 'sha256:' + base64url`
 * of its SHA-256 (51 bytes), which is collision-free in practice.
 */
export function memcachedKey(keyPrefix: string, key: string): string {
  const plain = `${keyPrefix}${key}`;
  if (
    SAFE_KEY.test(key) &&
    !key.startsWith(HASH_MARKER) &&
    Buffer.byteLength(plain) <= MEMCACHED_MAX_KEY_BYTES
  ) {
    return plain;
  }
  return `${keyPrefix}${HASH_MARKER}${createHash('sha256').update(key, 'utf8').digest('base64url')}`;
}
