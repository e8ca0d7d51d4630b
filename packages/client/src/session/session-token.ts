import { randomBytes } from 'node:crypto';
import { tokenDigest } from '@ssokit/protocol';

/** 32 random bytes (256 bits), base64url: 43 characters. */
const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A fresh random token for a session or a pending sign-in cookie. */
export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** True for a token this client could have issued; anything else is refused before hashing. */
export function isWellFormedToken(token: string | undefined): token is string {
  return token !== undefined && TOKEN_SHAPE.test(token);
}

/**
 * Stores key sessions by SHA-256 of the cookie token (as lucia v3 does): whoever reads the
 * store (a backup, a Redis `MONITOR`) cannot replay what it sees as a cookie.
 */
export const hashToken: (token: string) => string = tokenDigest;
