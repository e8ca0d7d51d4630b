/**
 * Where the verifier looks up API keys. dj-api-auth kept them in a Django table; here any
 * source fits (SQL through `@ssokit/stores`, a static list in tests and small deployments).
 */
export interface ApiKeyRecord {
  apiKey: string;
  /** Active secrets, newest first; a call signed with any of them verifies (rotation without downtime). */
  secrets: readonly string[];
  /** Path patterns this key may call: exact paths, `*` matches any run of characters (`/api/*`). */
  allowedEndpoints: readonly string[];
  /** The user this key acts for, as dj-api-auth binds a key to a user. */
  userId?: string | number;
}

export interface ApiKeySource {
  /** The record for a key, or undefined when no such key exists. */
  findApiKey(apiKey: string): Promise<ApiKeyRecord | undefined>;
}

/**
 * Marks a source that can answer without waiting; the verifier then skips a promise per call.
 * Not exported from the package: only sources made here carry it.
 */
export const FIND_API_KEY_NOW = Symbol('ssokit.findApiKeyNow');

/** A fixed set of keys held in memory: for tests, scripts and single-process deployments. */
export function staticApiKeySource(records: readonly ApiKeyRecord[]): ApiKeySource {
  const byKey = new Map<string, ApiKeyRecord>();
  for (const record of records) {
    if (typeof record.apiKey !== 'string' || record.apiKey === '') {
      throw new TypeError('staticApiKeySource: every record needs a non-empty apiKey');
    }
    if (record.secrets.length === 0) {
      throw new TypeError(`staticApiKeySource: key ${record.apiKey} has no secret`);
    }
    if (byKey.has(record.apiKey))
      throw new TypeError(`staticApiKeySource: key ${record.apiKey} appears twice`);
    byKey.set(record.apiKey, record);
  }
  const findNow = (apiKey: string) => byKey.get(apiKey);
  return { findApiKey: async (apiKey) => findNow(apiKey), [FIND_API_KEY_NOW]: findNow } as ApiKeySource;
}

/**
 * True when `path` matches `pattern`: an exact path, or a pattern where each `*` stands for
 * any run of characters (including `/`). Matched against the raw path as received, so an
 * encoded or differently-cased path is refused rather than normalised into an allowed one.
 */
export function matchesEndpointPattern(pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return pattern === path;
  const pieces = pattern.split('*');
  const head = pieces[0] ?? '';
  const tail = pieces[pieces.length - 1] ?? '';
  if (path.length < head.length + tail.length) return false;
  if (!path.startsWith(head) || !path.endsWith(tail)) return false;
  // Leftmost-first placement of the middle pieces is enough when `*` is the only wildcard.
  let position = head.length;
  const end = path.length - tail.length;
  for (let index = 1; index < pieces.length - 1; index++) {
    const piece = pieces[index] ?? '';
    const found = path.indexOf(piece, position);
    if (found === -1 || found + piece.length > end) return false;
    position = found + piece.length;
  }
  return true;
}

/** True when any of the patterns allows the path. */
export function isEndpointAllowed(patterns: readonly string[], path: string): boolean {
  for (const pattern of patterns) if (matchesEndpointPattern(pattern, path)) return true;
  return false;
}
