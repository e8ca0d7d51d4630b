import { hashToken, isWellFormedToken } from './session-token.ts';

/** What the store knows a session by: the token's digest, and the key it is kept under. */
export interface SessionKeys {
  readonly id: string;
  readonly key: string;
}

/**
 * The digest and store key of each cookie token seen lately, the oldest dropped past `size`.
 * A session's cookie comes back with every request, and the SHA-256 through node:crypto plus
 * building the key cost about 7k instructions a request: a tenth of a signed-in `GET /me` on
 * Fastify (bench/, route section). The digest is a function of the token alone, so an entry is
 * never stale; only well-formed tokens are hashed and kept. The raw tokens stay in this
 * process's memory, as each request's cookie header does; the store still sees only digests.
 */
export class SessionKeyCache {
  private readonly entries = new Map<string, SessionKeys>();

  constructor(
    private readonly size: number,
    private readonly keyOf: (id: string) => string,
  ) {}

  /** The keys of a token; undefined when it is not one this client could have issued. */
  of(token: string | undefined): SessionKeys | undefined {
    if (token === undefined) return undefined;
    const known = this.entries.get(token);
    if (known !== undefined) return known;
    if (!isWellFormedToken(token)) return undefined;
    return this.remember(token);
  }

  /** Computes and keeps the keys of a token (a session just begun: its cookie comes back next). */
  remember(token: string): SessionKeys {
    const id = hashToken(token);
    const keys: SessionKeys = { id, key: this.keyOf(id) };
    if (this.size === 0) return keys;
    this.entries.set(token, keys);
    // Oldest first out: a Map iterates in insertion order.
    if (this.entries.size > this.size) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return keys;
  }

  /** Drops a token (its session ended). */
  forget(token: string): void {
    this.entries.delete(token);
  }
}
