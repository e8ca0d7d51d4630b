import { createHash, randomBytes } from 'node:crypto';
import type { KeyValueStore } from '@ssokit/stores';
import { SessionManager, type SsoUserRecord } from 'ssokit';

/**
 * How ssokit's client keeps sessions and cached users in a key-value store, mirrored here so
 * growth runs can write a million of them in bulk (Redis pipelines, SQL INSERTs) instead of a
 * million logins. `checkSeededSession` reads one back through the real `SessionManager`, so a
 * change of format in packages/client makes the bench fail instead of measuring the wrong keys.
 */
export const SESSION_KEY_PREFIX = 'ssokit_session:';
export const USER_CACHE_KEY_PREFIX = 'sso_user_';
export const SESSION_TTL_SECONDS = 1_209_600;

/** Seeded users' ids start here, far from the provider's own account ids. */
export const SEEDED_ID_BASE = 10_000_000;

/** Seeded user number `index`, with the attributes a dj-sso provider sends. */
export function seededUser(index: number): SsoUserRecord {
  const username = `grow-user-${index}`;
  return {
    id: SEEDED_ID_BASE + index,
    username,
    extras: {
      first_name: 'Grow',
      last_name: `User ${index}`,
      email: `${username}@example.com`,
      is_staff: false,
      is_active: true,
      is_superuser: false,
      last_login: '2026-01-01T00:00:00',
      date_joined: '2025-01-01T00:00:00',
      groups: [],
    },
  };
}

/** A fresh salt for `seededToken`: each seeding makes tokens no other seeding makes. */
export function newSeedSalt(): string {
  return randomBytes(12).toString('hex');
}

/**
 * The cookie token of seeded session `index`: base64url of SHA-256 over salt and index, 43
 * characters as a real token (32 random bytes). Derived rather than random so that PostgreSQL
 * can make the same tokens itself (`sha256()`), and unguessable without the salt.
 */
export function seededToken(salt: string, index: number): string {
  return createHash('sha256').update(`${salt}${index}`).digest('base64url');
}

/** The stored session of a user: `SessionManager`'s JSON (`g`: the user's session epoch, none yet). */
export function seededSessionValue(user: SsoUserRecord, expiresAt: number): string {
  return JSON.stringify({ u: user, e: expiresAt, g: '' });
}

export interface SeededSession {
  /** The cookie token (only the first one's is kept, for the format check). */
  token: string;
  entries: Array<[key: string, value: string]>;
  /** When the entries expire, in epoch ms: what the store computes from the session TTL. */
  expiresAt: number;
}

/**
 * The key-value entries of one user's session: the session and, when users are cached in the
 * same store (Redis), the cached user.
 */
export function seededSessionEntries(
  salt: string,
  index: number,
  nowMs: number,
  withCachedUser: boolean,
): SeededSession {
  const user = seededUser(index);
  const token = seededToken(salt, index);
  const sessionId = createHash('sha256').update(token).digest('hex');
  const expiresAt = nowMs + SESSION_TTL_SECONDS * 1000;
  return {
    token,
    expiresAt,
    entries: [
      [`${SESSION_KEY_PREFIX}${sessionId}`, seededSessionValue(user, expiresAt)],
      ...(withCachedUser
        ? [[`${USER_CACHE_KEY_PREFIX}${user.id}`, JSON.stringify(user)] as [string, string]]
        : []),
    ],
  };
}

/** Reads a seeded session back through ssokit's SessionManager: the format still matches. */
export async function checkSeededSession(store: KeyValueStore, token: string, index: number): Promise<void> {
  const sessions = new SessionManager({ store, ttlSeconds: SESSION_TTL_SECONDS, parsedCacheSize: 0 });
  const session = await sessions.read(token);
  if (session?.user.username !== seededUser(index).username) {
    throw new Error('a seeded session does not read back through SessionManager: the storage format changed');
  }
}
