import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh random token as lowercase hex: `bytes` * 8 bits of entropy. */
export function randomHexToken(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** True when `text` has the shape of a token this provider issued (so junk never reaches the store). */
export function looksLikeHexToken(text: string, bytes: number): boolean {
  return text.length === bytes * 2 && /^[0-9a-f]+$/.test(text);
}

/** SHA-256 hex of a token: what the store keeps, so a store dump does not hand out live tokens. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time equality of two strings (lengths may differ; that alone is not secret). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
