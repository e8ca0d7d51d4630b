import { SsoError, SsoErrorCode } from './errors.ts';
import { formDecode, MalformedQueryError, type QueryPair } from './python2-form-encoding.ts';

/** What the verifier needs from a raw signed query, found in one pass without re-encoding. */
export interface SignedQueryScan {
  apiKey: string | undefined;
  timestamp: string | undefined;
  /** The `signature` value as received, not decoded. */
  rawSignature: string | undefined;
  /** Where the `signature=…` part starts and ends in the raw query. */
  signatureStart: number;
  signatureEnd: number;
  /** Every other parameter with a value, decoded, in the order received. */
  params: QueryPair[];
  /** True when the query has blank parts (`e=`, `e`, `&&`), which the signature does not cover. */
  hasBlanks: boolean;
}

export function malformed(message: string, cause?: unknown): SsoError {
  return new SsoError(SsoErrorCode.MALFORMED_REQUEST, message, { wireMessage: message, cause });
}

function decodeStrict(component: string): string {
  try {
    return formDecode(component);
  } catch (cause) {
    if (cause instanceof MalformedQueryError) throw malformed(cause.message, cause);
    throw cause;
  }
}

function decodePlus(component: string): string {
  return component.includes('+') ? component.replaceAll('+', ' ') : component;
}

function repeated(name: string): SsoError {
  return malformed(`repeated parameter: ${name}`);
}

/**
 * Decodes a raw query (without `?`) and finds `apikey`, `timestamp` and `signature` in it,
 * refusing repeats of those, bad percent-escapes and invalid UTF-8 (400). Blank parts are
 * skipped undecoded, as the original server's `parse_qsl` (blank values off) skips them: a
 * part without `=`, or with nothing after it (`e=`; `e=+` is a space and stays), or empty.
 */
export function scanSignedQuery(rawQuery: string): SignedQueryScan {
  const strict = rawQuery.includes('%');
  const scan: SignedQueryScan = {
    apiKey: undefined,
    timestamp: undefined,
    rawSignature: undefined,
    signatureStart: -1,
    signatureEnd: -1,
    params: [],
    hasBlanks: rawQuery.endsWith('&'),
  };
  let start = 0;
  while (start < rawQuery.length) {
    let end = rawQuery.indexOf('&', start);
    if (end === -1) end = rawQuery.length;
    let eq = rawQuery.indexOf('=', start);
    if (eq > end) eq = -1;
    if (eq === -1 || eq + 1 === end) scan.hasBlanks = true;
    else {
      const rawName = rawQuery.slice(start, eq);
      // Without `%` nothing can be malformed and decoding is at most `+` -> space.
      const name = strict ? decodeStrict(rawName) : decodePlus(rawName);
      const rawValue = rawQuery.slice(eq + 1, end);
      if (name === 'signature') {
        if (scan.rawSignature !== undefined) throw repeated(name);
        scan.rawSignature = rawValue;
        scan.signatureStart = start;
        scan.signatureEnd = end;
      } else {
        const value = strict ? decodeStrict(rawValue) : decodePlus(rawValue);
        if (name === 'apikey') {
          if (scan.apiKey !== undefined) throw repeated(name);
          scan.apiKey = value;
        } else if (name === 'timestamp') {
          if (scan.timestamp !== undefined) throw repeated(name);
          scan.timestamp = value;
        }
        scan.params.push([name, value]);
      }
    }
    start = end + 1;
  }
  return scan;
}

/** The raw query without the `signature` part and one `&` beside it: byte for byte what was signed. */
export function withoutSignature(rawQuery: string, signatureStart: number, signatureEnd: number): string {
  if (signatureStart === 0) return rawQuery.slice(Math.min(signatureEnd + 1, rawQuery.length));
  return rawQuery.slice(0, signatureStart - 1) + rawQuery.slice(signatureEnd);
}

/**
 * What the signature covers: the raw query as received, without the `signature` part and
 * without blank parts, which the original client never signs and its server drops before it
 * recomputes (`e=&f=1` is verified as `f=1`).
 */
export function signedQueryOf(rawQuery: string, scan: SignedQueryScan): string {
  if (!scan.hasBlanks) return withoutSignature(rawQuery, scan.signatureStart, scan.signatureEnd);
  let signed = '';
  let start = 0;
  while (start < rawQuery.length) {
    let end = rawQuery.indexOf('&', start);
    if (end === -1) end = rawQuery.length;
    const eq = rawQuery.indexOf('=', start);
    if (start !== scan.signatureStart && eq !== -1 && eq + 1 < end) {
      signed += signed === '' ? rawQuery.slice(start, end) : `&${rawQuery.slice(start, end)}`;
    }
    start = end + 1;
  }
  return signed;
}

/** The decoded signature: raw unless escaped, and a form-decoded `+` turned back from a space. */
export function receivedSignature(rawSignature: string): string {
  // The original client sends it unescaped, `+` included (a form decoder would read a space).
  // Escaped (`%2B`, `%2F`, `%3D`) it is decoded; a raw `+` beside escapes reads as a space,
  // which Base64 never has, so turning spaces back is exact.
  return rawSignature.includes('%') ? decodeStrict(rawSignature).replaceAll(' ', '+') : rawSignature;
}

/**
 * UNIX seconds as Python's `str(time.time())` writes them (up to 15 digits, an optional
 * fraction of up to 20); NaN for anything else (signs, exponents, `NaN`, `Infinity`, spaces),
 * which is refused rather than guessed. A hand-written scan: this runs on every call, and a
 * regular expression plus `Number()` cost a fifth of the HMAC.
 */
export function parseTimestamp(text: string): number {
  const length = text.length;
  let seconds = 0;
  let index = 0;
  for (; index < length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) break;
    seconds = seconds * 10 + digit;
  }
  if (index === 0 || index > 15) return Number.NaN;
  if (index === length) return seconds;
  if (text.charCodeAt(index) !== 46 /* . */ || length - index - 1 < 1 || length - index - 1 > 20)
    return Number.NaN;
  let fraction = 0;
  let scale = 1;
  for (index++; index < length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    // Digits past the millisecond cannot change a drift check measured in seconds.
    if (scale < 1e6) {
      fraction = fraction * 10 + digit;
      scale *= 10;
    }
  }
  return seconds + fraction / scale;
}
