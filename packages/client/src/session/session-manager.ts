import { randomBytes } from 'node:crypto';
import { type GetNowResult, getNowOf, type KeyValueStore, readThroughOf } from '@ssokit/stores';
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
  /**
   * How long this process trusts the session epoch of a user it read from the store (see
   * {@link SessionManager.invalidateUser}), in milliseconds. Within it, ending every session of
   * a user in another process can go unseen here; in this process it is seen at once. 0 reads
   * the epoch at every request: one more store read per request.
   * @default 1000
   */
  epochCacheMs?: number;
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
  /** The user's session epoch when the session began; absent (sessions of older versions) is ''. */
  g?: string;
  /** The provider's sign-in this session came from (digest of its auth token), for single logout. */
  s?: string;
}

/** What the store knows a session by. */
interface SessionKeys {
  /** The token's SHA-256 (what the store and the sign-in index know the session by). */
  readonly id: string;
  /** The store key of the session, `keyPrefix` + `id`. */
  readonly key: string;
}

interface ParsedEntry<Extras extends object> extends SessionKeys {
  raw: string;
  user: SsoUser<Extras>;
  userId: SsoUserId;
  /** `String(userId)`, built once: the key of the epoch cache, looked up on every read. */
  userKey: string;
  expiresAt: number;
  epoch: string;
  signInId: string | undefined;
  /** The answer to a read that renews nothing, built once: most reads allocate nothing. */
  unrenewed: ActiveSession<Extras>;
}

function parsedEntry<Extras extends object>(
  keys: SessionKeys,
  raw: string,
  user: SsoUser<Extras>,
  userId: SsoUserId,
  expiresAt: number,
  epoch: string,
  signInId?: string,
): ParsedEntry<Extras> {
  return {
    id: keys.id,
    key: keys.key,
    raw,
    user,
    userId,
    userKey: String(userId),
    expiresAt,
    epoch,
    signInId,
    unrenewed: Object.freeze({ user, expiresAt, renewed: false }),
  };
}

interface CachedEpoch {
  value: string;
  readAt: number;
}

/**
 * How long an epoch marker is kept. It must outlive every session it ended (those die within
 * one session lifetime, as they can no longer be renewed); when it finally expires, sessions
 * begun after it end too: a sign-in again a year after the account was removed, never a
 * session coming back.
 */
const EPOCH_TTL_SECONDS = 400 * 86_400;

function parseStored(raw: string): StoredSession | undefined {
  try {
    const value = JSON.parse(raw) as Partial<StoredSession> | null;
    const user = value?.u;
    if (typeof value?.e !== 'number' || typeof user !== 'object' || user === null) return undefined;
    if (typeof user.username !== 'string' || (typeof user.id !== 'number' && typeof user.id !== 'string')) {
      return undefined;
    }
    const epoch = typeof value.g === 'string' ? value.g : '';
    return {
      u: { id: user.id, username: user.username, extras: user.extras ?? {} },
      e: value.e,
      g: epoch,
      ...(typeof value.s === 'string' ? { s: value.s } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Server-side sessions in a key-value store. The cookie holds a random 256-bit token; the store
 * keys the session by its SHA-256 and holds a snapshot of the user, so reading the user of a
 * request is one `get`.
 *
 * Ending every session of a user is one write: each user has a session epoch (absent until
 * first used), each session records the epoch it began in, and a session whose epoch is no
 * longer the user's is dead. There is no per-user list of sessions to keep in step, so no
 * number of simultaneous sign-ins can leave one out, on any store. The epoch is read with the
 * session and trusted in this process for `epochCacheMs`, so the per-request path stays one
 * store read; the epoch costs one more read per user and process at most once per `epochCacheMs`.
 */
export class SessionManager<Extras extends object = Record<string, unknown>> {
  private readonly store: KeyValueStore;
  private readonly getNow: ((key: string) => GetNowResult) | undefined;
  private readonly readThrough: (key: string) => Promise<string | undefined>;
  private readonly ttlSeconds: number;
  private readonly ttlMs: number;
  private readonly keyPrefix: string;
  private readonly parsedCacheSize: number;
  private readonly epochCacheMs: number;
  private readonly now: () => number;
  /**
   * Parsed sessions by cookie token, each with its digest and store key: a session's cookie
   * comes back with every request, and hashing it again (SHA-256 through node:crypto, the hex
   * string, the store key and its own string hash) was about 5k instructions of a signed-in
   * `GET /me` (bench/, route section). The raw tokens stay in this process's memory, as each
   * request's cookie header does; the store still sees digests only. Every read still asks the
   * store and compares its text, so an entry is never trusted over the store: a session ended
   * elsewhere (another process, single logout) is gone at its next read, and its entry then.
   */
  private readonly parsed = new Map<string, ParsedEntry<Extras>>();
  private readonly epochs = new Map<string, CachedEpoch>();

  constructor(options: SessionManagerOptions) {
    this.store = options.store;
    this.getNow = getNowOf(options.store);
    this.readThrough = readThroughOf(options.store);
    this.ttlSeconds = options.ttlSeconds;
    this.ttlMs = options.ttlSeconds * 1000;
    this.keyPrefix = options.keyPrefix ?? 'ssokit_session:';
    this.parsedCacheSize = options.parsedCacheSize ?? 10_000;
    this.epochCacheMs = options.epochCacheMs ?? 1000;
    if (!Number.isFinite(this.epochCacheMs) || this.epochCacheMs < 0) {
      throw new TypeError(`epochCacheMs must be a number >= 0, got ${options.epochCacheMs}`);
    }
    this.now = options.now ?? Date.now;
  }

  /**
   * Starts a session for the user; the token goes into the cookie and nowhere else. With a
   * `signInId` (the provider's sign-in it came from), {@link endSignIn} can end it later: an
   * index entry from the sign-in to the session is written too, and refreshed at renewal.
   */
  async create(
    user: SsoUserRecord,
    options: { signInId?: string | undefined } = {},
  ): Promise<{ token: string; expiresAt: number }> {
    const token = generateToken();
    const id = hashToken(token);
    // Read, not cached (past a read cache too): a session begun in an epoch this process has
    // not seen yet would be dead.
    const epoch = (await this.readThrough(this.epochKey(user.id))) ?? '';
    this.rememberEpoch(user.id, epoch);
    const expiresAt = this.now() + this.ttlMs;
    const { signInId } = options;
    const stored: StoredSession = { u: user, e: expiresAt, g: epoch };
    if (signInId !== undefined) stored.s = signInId;
    const raw = JSON.stringify(stored);
    // The index first: a session that exists is always findable by its sign-in.
    if (signInId !== undefined) await this.store.set(this.signInKey(signInId), id, this.ttlSeconds);
    const keys = { id, key: this.sessionKey(id) };
    await this.store.set(keys.key, raw, this.ttlSeconds);
    this.remember(
      token,
      parsedEntry(keys, raw, toSsoUser<Extras>(user), user.id, expiresAt, epoch, signInId),
    );
    return { token, expiresAt };
  }

  /**
   * Ends the session that came from this provider sign-in (single logout); false when there is
   * none (ended already, expired, or begun before sign-ins were recorded).
   */
  async endSignIn(signInId: string): Promise<boolean> {
    const id = await this.store.take(this.signInKey(signInId));
    if (id === undefined) return false;
    // Its parsed entry (by token, unknown here) goes at the session's next read: the store has none.
    return (await this.store.take(this.sessionKey(id))) !== undefined;
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
    if (token === undefined) return undefined;
    // A token seen before was well-formed, and its keys are known.
    const known = this.parsed.get(token);
    let keys: SessionKeys;
    if (known !== undefined) keys = known;
    else if (isWellFormedToken(token)) keys = this.keysOf(token);
    else return undefined;
    const raw = this.readKey(keys.key);
    if (raw instanceof Promise) return raw.then((value) => this.fromStored(token, keys, known, value));
    return this.fromStored(token, keys, known, raw);
  }

  private keysOf(token: string): SessionKeys {
    const id = hashToken(token);
    return { id, key: this.sessionKey(id) };
  }

  private readKey(key: string): GetNowResult {
    return this.getNow !== undefined ? this.getNow(key) : this.store.get(key);
  }

  private fromStored(
    token: string,
    keys: SessionKeys,
    known: ParsedEntry<Extras> | undefined,
    raw: string | undefined,
  ): ActiveSession<Extras> | undefined | Promise<ActiveSession<Extras> | undefined> {
    if (raw === undefined) {
      if (known !== undefined) this.parsed.delete(token);
      return undefined;
    }
    let entry = known;
    // Same stored text as last time: reuse the user built then (string compare beats a parse).
    if (entry === undefined || entry.raw !== raw) {
      const stored = parseStored(raw);
      if (stored === undefined) return undefined;
      entry = parsedEntry(
        keys,
        raw,
        toSsoUser<Extras>(stored.u),
        stored.u.id,
        stored.e,
        stored.g ?? '',
        stored.s,
      );
      this.remember(token, entry);
    }
    const now = this.now();
    if (entry.expiresAt <= now) return undefined;
    const cached = this.epochs.get(entry.userKey);
    if (cached !== undefined && now - cached.readAt < this.epochCacheMs) {
      return this.inEpoch(token, entry, cached.value, now);
    }
    const current = this.readKey(this.epochKey(entry.userId));
    const found = entry;
    if (current instanceof Promise) {
      return current.then((value) => {
        this.rememberEpoch(found.userId, value ?? '');
        return this.inEpoch(token, found, value ?? '', this.now());
      });
    }
    this.rememberEpoch(entry.userId, current ?? '');
    return this.inEpoch(token, entry, current ?? '', now);
  }

  private inEpoch(
    token: string,
    entry: ParsedEntry<Extras>,
    epoch: string,
    now: number,
  ): ActiveSession<Extras> | undefined | Promise<ActiveSession<Extras>> {
    if (entry.epoch !== epoch) {
      this.parsed.delete(token);
      return undefined;
    }
    if (entry.expiresAt - now >= this.ttlMs / 2) return entry.unrenewed;
    return this.renew(token, entry, now);
  }

  /** Ends the session of a token; tells whose it was, or undefined when there was none. */
  async invalidate(token: string | undefined): Promise<{ userId: SsoUserId } | undefined> {
    if (!isWellFormedToken(token)) return undefined;
    const keys = this.parsed.get(token) ?? this.keysOf(token);
    this.parsed.delete(token);
    const raw = await this.store.take(keys.key);
    const stored = raw === undefined ? undefined : parseStored(raw);
    if (stored === undefined) return undefined;
    return { userId: stored.u.id };
  }

  /**
   * Ends every session of a user (sign out everywhere): one write of a new random epoch, so
   * it holds however many sessions there are and however many sign-ins run at the same time.
   * Seen at once in this process, within `epochCacheMs` in the others.
   */
  async invalidateUser(userId: SsoUserId): Promise<void> {
    const epoch = randomBytes(12).toString('base64url');
    await this.store.set(this.epochKey(userId), epoch, EPOCH_TTL_SECONDS);
    this.rememberEpoch(userId, epoch);
  }

  private async renew(
    token: string,
    entry: ParsedEntry<Extras>,
    now: number,
  ): Promise<ActiveSession<Extras>> {
    const expiresAt = now + this.ttlMs;
    const stored: StoredSession = { u: toUserRecord(entry.user), e: expiresAt, g: entry.epoch };
    if (entry.signInId !== undefined) {
      stored.s = entry.signInId;
      await this.store.set(this.signInKey(entry.signInId), entry.id, this.ttlSeconds);
    }
    const raw = JSON.stringify(stored);
    await this.store.set(entry.key, raw, this.ttlSeconds);
    this.remember(
      token,
      parsedEntry(entry, raw, entry.user, entry.userId, expiresAt, entry.epoch, entry.signInId),
    );
    return { user: entry.user, expiresAt, renewed: true };
  }

  private rememberEpoch(userId: SsoUserId, value: string): void {
    const key = String(userId);
    this.epochs.delete(key);
    this.epochs.set(key, { value, readAt: this.now() });
    if (this.epochs.size > Math.max(this.parsedCacheSize, 1)) {
      const oldest = this.epochs.keys().next().value;
      if (oldest !== undefined) this.epochs.delete(oldest);
    }
  }

  private remember(token: string, entry: ParsedEntry<Extras>): void {
    if (this.parsedCacheSize === 0) return;
    this.parsed.delete(token);
    // A copy of its own: the token read from a request is a slice of that request's whole
    // Cookie header (V8 keeps the header for a slice), and a browser's can be kilobytes. Only a
    // new or renewed entry pays the copy, never a read of a known session.
    this.parsed.set(Buffer.from(token, 'latin1').toString('latin1'), entry);
    // Oldest first out: a Map iterates in insertion order.
    if (this.parsed.size > this.parsedCacheSize) {
      const oldest = this.parsed.keys().next().value;
      if (oldest !== undefined) this.parsed.delete(oldest);
    }
  }

  private sessionKey(id: string): string {
    return `${this.keyPrefix}${id}`;
  }

  private signInKey(signInId: string): string {
    return `${this.keyPrefix}sign-in:${signInId}`;
  }

  private epochKey(userId: SsoUserId): string {
    return `${this.keyPrefix}epoch:${userId}`;
  }
}
