/**
 * Form encoding exactly as Python 2's `urllib.urlencode` / `quote_plus` did it, because the
 * dj-api-auth signature is computed over that text: letters, digits and `_.-` stay, space
 * becomes `+`, every other UTF-8 byte becomes `%XX` with uppercase hex.
 */

/** A query parameter as it travels: name and value, in the order sent. */
export type QueryPair = readonly [name: string, value: string];

const KEEP = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-')
  KEEP[ch.charCodeAt(0)] = 1;
const HEX = '0123456789ABCDEF';
const SAFE_TEXT = /^[A-Za-z0-9_.-]*$/;

/** Escapes one name or value as Python 2 `urllib.quote_plus` does. */
export function quotePlus(text: string): string {
  // Keys, tokens and timestamps are plain ASCII: skip the byte loop for them (hot path of signing).
  if (SAFE_TEXT.test(text)) return text;
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte < 128 && KEEP[byte] === 1) out += String.fromCharCode(byte);
    else if (byte === 0x20) out += '+';
    else out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/** Joins pairs into a query string (without `?`) as Python 2 `urllib.urlencode` does. */
export function urlencodePython2(pairs: readonly QueryPair[]): string {
  return pairs.map(([name, value]) => `${quotePlus(name)}=${quotePlus(value)}`).join('&');
}

/** Raised by {@link parseQueryString} for text that is not a valid form-encoded query. */
export class MalformedQueryError extends Error {
  override readonly name = 'MalformedQueryError';
}

/**
 * Splits a raw query string (without `?`) into decoded pairs in the order received, as a
 * form decoder does (`+` is a space). Refuses bad percent-escapes and invalid UTF-8 rather
 * than guessing, so a caller can answer 400/403 instead of acting on a mangled value.
 */
export function parseQueryString(raw: string): QueryPair[] {
  const pairs: QueryPair[] = [];
  if (raw === '') return pairs;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push([formDecode(name), formDecode(value)]);
  }
  return pairs;
}

/** Decodes one form-encoded component: `+` is a space, `%XX` are UTF-8 bytes. */
export function formDecode(component: string): string {
  const spaced = component.includes('+') ? component.replaceAll('+', ' ') : component;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch (cause) {
    throw new MalformedQueryError('query has a bad percent-escape or invalid UTF-8', { cause });
  }
}
