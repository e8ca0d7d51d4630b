/**
 * What a verifier does with a call identical to one it already verified (same key, same
 * signature: same timestamp, parameters and body) inside the drift window.
 *
 * - `'refuse'`: 403 `replayed request`, so a captured call cannot be sent again. A client whose
 *   timestamps are coarse makes such calls legitimately: Python 2's `str(time.time())` moves in
 *   10 ms steps, so an original dj-sso-client or dj-api-auth client that makes the same call
 *   twice within one step is refused the second time.
 * - `{ acceptWithinMs }`: an identical call that arrives within that many milliseconds of the
 *   first sighting is accepted (a coarse client's second call), later ones are refused. A
 *   replay is then possible only that soon after the original call, which in practice only
 *   someone on the network path can manage, not someone reading a log later.
 * - `'accept'`: every identical call is accepted, as the original dj-api-auth did. Only for
 *   endpoints where sending a call again gains nothing: the provider's SSO endpoints (a replayed
 *   `reqeusttoken/` mints another token bound to the same key, `authtoken/` is single-use
 *   through its request token), or reads whose answer the caller may see anyway.
 */
export type IdenticalCalls = 'refuse' | 'accept' | { acceptWithinMs: number };

/** The grace in milliseconds (0 for `'refuse'`, Infinity for `'accept'`), checked once. */
export function identicalCallGraceMs(option: IdenticalCalls | undefined, owner: string): number {
  if (option === undefined || option === 'refuse') return 0;
  if (option === 'accept') return Number.POSITIVE_INFINITY;
  if (typeof option === 'object' && option !== null && 'acceptWithinMs' in option) {
    const { acceptWithinMs } = option;
    if (!Number.isFinite(acceptWithinMs) || acceptWithinMs <= 0 || acceptWithinMs > 60_000) {
      throw new TypeError(`${owner}: options.identicalCalls.acceptWithinMs must be a number in (0, 60000]`);
    }
    return acceptWithinMs;
  }
  throw new TypeError(`${owner}: options.identicalCalls must be 'refuse', 'accept' or { acceptWithinMs }`);
}

/**
 * When each signature verified in the last `graceMs` was first seen, for the in-process guard
 * (which keeps bare fingerprints without times). Insertion order is time order, so expired
 * sightings are dropped from the front and memory follows the traffic of one grace period.
 */
export class RecentSightings {
  readonly #graceMs: number;
  readonly #firstSeen = new Map<string, number>();

  constructor(graceMs: number) {
    this.#graceMs = graceMs;
  }

  /** Records a first sighting. */
  note(signature: string, nowMs: number): void {
    for (const [signatureSeen, at] of this.#firstSeen) {
      if (nowMs - at <= this.#graceMs) break;
      this.#firstSeen.delete(signatureSeen);
    }
    this.#firstSeen.set(signature, nowMs);
  }

  /** True when this signature was first seen within the grace. */
  withinGrace(signature: string, nowMs: number): boolean {
    const at = this.#firstSeen.get(signature);
    return at !== undefined && Math.abs(nowMs - at) <= this.#graceMs;
  }
}

/** A first sighting stored in a shared store (its value is the time), within the grace? */
export function storedSightingWithinGrace(
  value: string | undefined,
  nowMs: number,
  graceMs: number,
): boolean {
  const at = value === undefined ? Number.NaN : Number(value);
  // Processes' clocks differ a little: "close to the first sighting" either way.
  return Number.isFinite(at) && Math.abs(nowMs - at) <= graceMs;
}
