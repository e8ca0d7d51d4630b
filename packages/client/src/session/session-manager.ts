import { type GetNowResult, getNowOf, type KeyValueStore } from '@ssokit/stores';
import {
  type SsoUser,
  type SsoUserId,
  type SsoUserRecord,
  toSsoUser,
  toUserRecord,
} from '../user/sso-user.ts';
import { generateToken, hashToken, isWellFormedToken } from './session-token.ts';

export interface SessionManagerOptions {
  store: KeyValueStore;
  /** Lifetime of a session; renewed for a full one when used after half of it. */
  ttlSeconds: number;
  /** @default 'ssokit_session:' */
  keyPrefix?: string;
  /**
   * How many parsed sessions are kept in this process, to skip JSON parsing and building the
   * user object when a session's stored value has not changed. 0 turns it off.
   * @default 10000
   */
  parsedCacheSize?: number;
  /** Clock in milliseconds, for tests. @default Date.now */
  now?: () => number;
}

/** A live session; shared between reads, hence read-only. */
export interface ActiveSession<Extras extends object> {
  readonly user: SsoUser<Extras>;
  /** Expiry in epoch milliseconds. */
  readonly expiresAt: number;
  /** True when this read renewed the session: the cookie should be sent again. */
  readonly renewed: boolean;
}

interface StoredSession {
  u: SsoUserRecord;
  e: number;
}

interface ParsedEntry<Extras extends object> {
  raw: string;
  user: SsoUser<Extras>;
  userId: SsoUserId;
  expiresAt: number;
  /** The answer to a read that renews nothing, built once: most reads allocate nothing. */
  unrenewed: ActiveSession<Extras>;
}

function parsedEntry<Extras extends object>(
  raw: string,
  user: SsoUser<Extras>,
  userId: SsoUserId,
  expiresAt: number,
): ParsedEntry<Extras> {
  return { raw, user, userId, expiresAt, unrenewed: Object.freeze({ user, expiresAt, renewed: false }) };
}

// Keep at most this many session ids per user in the index that logout consults.
const MAX_INDEXED_SESSIONS = 100;

function parseStored(raw: string): StoredSession | undefined {
  try {
    const value = JSON.parse(raw) as Partial<StoredSession> | null;
    const user = value?.u;
    if (typeof value?.e !== 'number' || typeof user !== 'object' || user === null) return undefined;
    if (typeof user.username !== 'string' || (typeof user.id !== 'number' && typeof user.id !== 'string')) {
      return undefined;
    }
    return { u: { id: user.id, username: user.username, extras: user.extras ?? {} }, e: value.e };
  } catch {
    return undefined;
  }
}

/**
 * Server-side sessions in a key-value store. The cookie holds a random 256-bit token; the store
 * keys the session by its SHA-256 and holds a snapshot of the user, so reading the user of a
 * request is one `get`. Each user also has an index of their session ids, which lets logout
 * tell whether it ended the user's last session.
 */
export class SessionManager<Extras extends object = Record<string, unknown>> {
  private readonly store: KeyValueStore;
  private readonly getNow: ((key: string) => GetNowResult) | undefined;
  private readonly ttlSeconds: number;
  private readonly ttlMs: number;
  private readonly keyPrefix: string;
  private readonly parsedCacheSize: number;
  private readonly now: () => number;
  private readonly parsed = new Map<string, ParsedEntry<Extras>>();

  constructor(options: SessionManagerOptions) {
    this.store = options.store;
    this.getNow = getNowOf(options.store);
    this.ttlSeconds = options.ttlSeconds;
    this.ttlMs = options.ttlSeconds * 1000;
    this.keyPrefix = options.keyPrefix ?? 'ssokit_session:';
    this.parsedCacheSize = options.parsedCacheSize ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Starts a session for the user; the token goes into the cookie and nowhere else. */
  async create(user: SsoUserRecord): Promise<{ token: string; expiresAt: number }> {
    const token = generateToken();
    const id = hashToken(token);
    const expiresAt = this.now() + this.ttlMs;
    const raw = JSON.stringify({ u: user, e: expiresAt } satisfies StoredSession);
    await this.store.set(this.sessionKey(id), raw, this.ttlSeconds);
    await this.addToIndex(user.id, id);
    this.remember(id, parsedEntry(raw, toSsoUser<Extras>(user), user.id, expiresAt));
    return { token, expiresAt };
  }

  /** The session of a cookie token, renewed when past half its life; undefined when none. */
  async read(token: string | undefined): Promise<ActiveSession<Extras> | undefined> {
    return this.readNowOrLater(token);
  }

  /**
   * As `read`, but answers at once when it can: a store in this process and no renewal due
   * (the per-request path of an adapter). Otherwise a promise. Fails as the store fails.
   */
  readNowOrLater(
    token: string | undefined,
  ): ActiveSession<Extras> | undefined | Promise<ActiveSession<Extras> | undefined> {
    if (!isWellFormedToken(token)) return undefined;
    const id = hashToken(token);
    const key = this.sessionKey(id);
    const raw = this.getNow !== undefined ? this.getNow(key) : this.store.get(key);
    if (raw instanceof Promise) return raw.then((value) => this.fromStored(id, value));
    return this.fromStored(id, raw);
  }

  private fromStored(
    id: string,
    raw: string | undefined,
  ): ActiveSession<Extras> | undefined | Promise<ActiveSession<Extras>> {
    if (raw === undefined) {
      this.parsed.delete(id);
      return undefined;
    }
    let entry = this.parsed.get(id);
    // Same stored text as last time: reuse the user built then (string compare beats a parse).
    if (entry === undefined || entry.raw !== raw) {
      const stored = parseStored(raw);
      if (stored === undefined) return undefined;
      entry = parsedEntry(raw, toSsoUser<Extras>(stored.u), stored.u.id, stored.e);
      this.remember(id, entry);
    }
    const now = this.now();
    if (entry.expiresAt <= now) return undefined;
    if (entry.expiresAt - now >= this.ttlMs / 2) return entry.unrenewed;
    return this.renew(id, entry, now);
  }

  /** Ends the session of a token. `lastSession` tells whether the user has no other one left. */
  async invalidate(
    token: string | undefined,
  ): Promise<{ userId: SsoUserId; lastSession: boolean } | undefined> {
    if (!isWellFormedToken(token)) return undefined;
    const id = hashToken(token);
    this.parsed.delete(id);
    const raw = await this.store.take(this.sessionKey(id));
    const stored = raw === undefined ? undefined : parseStored(raw);
    if (stored === undefined) return undefined;
    const userId = stored.u.id;
    const others = (await this.liveSessionIds(userId)).filter((other) => other !== id);
    if (others.length === 0) await this.store.delete(this.indexKey(userId));
    else await this.store.set(this.indexKey(userId), JSON.stringify(others), this.ttlSeconds);
    return { userId, lastSession: others.length === 0 };
  }

  /** Ends every session of a user (sign out everywhere); returns how many there were. */
  async invalidateUser(userId: SsoUserId): Promise<number> {
    const ids = await this.liveSessionIds(userId);
    await Promise.all(ids.map((id) => this.store.delete(this.sessionKey(id))));
    for (const id of ids) this.parsed.delete(id);
    await this.store.delete(this.indexKey(userId));
    return ids.length;
  }

  private async renew(id: string, entry: ParsedEntry<Extras>, now: number): Promise<ActiveSession<Extras>> {
    const expiresAt = now + this.ttlMs;
    const raw = JSON.stringify({ u: toUserRecord(entry.user), e: expiresAt } satisfies StoredSession);
    await this.store.set(this.sessionKey(id), raw, this.ttlSeconds);
    this.remember(id, parsedEntry(raw, entry.user, entry.userId, expiresAt));
    // The index must outlive the sessions it lists; renewals are rare, so this read is cheap.
    const index = await this.store.get(this.indexKey(entry.userId));
    if (index !== undefined) await this.store.set(this.indexKey(entry.userId), index, this.ttlSeconds);
    return { user: entry.user, expiresAt, renewed: true };
  }

  private async addToIndex(userId: SsoUserId, id: string): Promise<void> {
    let ids = await this.indexedSessionIds(userId);
    // Ended and expired sessions are weeded out only when the index is full: probing every
    // listed session at each sign-in cost a store read per session (measured in bench/).
    if (ids.length >= MAX_INDEXED_SESSIONS) ids = await this.liveOnly(ids);
    ids.push(id);
    await this.store.set(
      this.indexKey(userId),
      JSON.stringify(ids.slice(-MAX_INDEXED_SESSIONS)),
      this.ttlSeconds,
    );
  }

  /** The session ids listed in a user's index, live or not. */
  private async indexedSessionIds(userId: SsoUserId): Promise<string[]> {
    const text = await this.store.get(this.indexKey(userId));
    if (text === undefined) return [];
    let ids: unknown;
    try {
      ids = JSON.parse(text);
    } catch {
      return [];
    }
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  }

  private async liveOnly(ids: string[]): Promise<string[]> {
    const values = await Promise.all(ids.map((id) => this.store.get(this.sessionKey(id))));
    return ids.filter((_, index) => values[index] !== undefined);
  }

  /** The indexed session ids of a user that still exist (expired ones drop out here). */
  private async liveSessionIds(userId: SsoUserId): Promise<string[]> {
    return this.liveOnly(await this.indexedSessionIds(userId));
  }

  private remember(id: string, entry: ParsedEntry<Extras>): void {
    if (this.parsedCacheSize === 0) return;
    this.parsed.delete(id);
    this.parsed.set(id, entry);
    // Oldest first out: a Map iterates in insertion order.
    if (this.parsed.size > this.parsedCacheSize) {
      const oldest = this.parsed.keys().next().value;
      if (oldest !== undefined) this.parsed.delete(oldest);
    }
  }

  private sessionKey(id: string): string {
    return `${this.keyPrefix}${id}`;
  }

  private indexKey(userId: SsoUserId): string {
    return `${this.keyPrefix}user:${userId}`;
  }
}
