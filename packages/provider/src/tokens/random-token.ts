import { randomFillSync, timingSafeEqual } from 'node:crypto';
import { tokenDigest } from '@ssokit/protocol';

// Tokens are cut from a pool of random bytes refilled 4 KiB at a time (as Node does for
// `randomUUID`): each `randomBytes` call enters OpenSSL's generator and checks for a fork with
// a system call, which cost more than the rest of a token's handling. Each byte is used once.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** A fresh random token as lowercase hex: `bytes` * 8 bits of entropy (at most 4096 bytes). */
export function randomHexToken(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes <= 0 || bytes > POOL_BYTES) {
    throw new RangeError(`randomHexToken: bytes must be an integer from 1 to ${POOL_BYTES}`);
  }
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const token = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return token;
}

/** True when `text` has the shape of a token this provider issued (so junk never reaches the store). */
export function looksLikeHexToken(text: string, bytes: number): boolean {
  return text.length === bytes * 2 && /^[0-9a-f]+$/.test(text);
}

// The one digest of tokens kept in stores lives in @ssokit/protocol.
export { tokenDigest };

/** Constant-time equality of two strings (lengths may differ; that alone is not secret). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
