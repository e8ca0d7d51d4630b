import type { SsoUserId, SsoUserRecord } from './sso-user.ts';

/**
 * Where the client keeps the users who signed in (the original's `SSO_USER_STORAGE`). Sessions
 * carry their own snapshot of the user, so a store is read by the app (`client.users.get(id)`),
 * not on every request.
 *
 * To write your own, implement these four methods and run the conformance suite against it:
 * `testUserStore('my store', () => myUserStore())` from `ssokit/testing`.
 */
export interface UserStore {
  /**
   * Creates the user or updates the one with this id: a user who signs in again is updated,
   * never duplicated. Where usernames are unique (SQL), another id holding this username is a
   * stale row (the provider renamed that account) and gives way.
   */
  save(user: SsoUserRecord): Promise<void>;
  /** The user, or undefined when absent (never signed in, removed, or expired from a cache). */
  get(id: SsoUserId): Promise<SsoUserRecord | undefined>;
  /** Removes the user; no error when absent. */
  delete(id: SsoUserId): Promise<void>;
  /** Releases what the store opened itself; a database or client passed in stays open. */
  close(): Promise<void>;
}
