import { createHmac, randomInt } from 'node:crypto';
import { hmacKey } from './hmac-key-cache.ts';
import { parseQueryString, type QueryPair, quotePlus } from './python2-form-encoding.ts';

/** What one signed call is made of; the result is the exact path+query to send. */
export interface SignRequestInput {
  apiKey: string;
  secretKey: string;
  /**
   * Path, optionally with its own query (`/sso/authtoken/?request_token=R`), kept in order.
   * A parameter with an empty value (`e=`, `e`) is dropped, as the original client does.
   */
  path: string;
  /** More parameters, appended after the path's own ones. Blank values are left out (see above). */
  params?: readonly QueryPair[];
  /**
   * UNIX seconds as sent on the wire (decimal fraction allowed).
   * @default {@link currentTimestamp}: the current time in microseconds plus digits unique to
   * this process, so no two calls are identical
   */
  timestamp?: string | number;
  /** Request body; its bytes are appended to the signed message. */
  body?: string | Uint8Array;
}

export interface SignedRequest {
  /** The message the HMAC covers, without the body: path + `?` + query. */
  message: string;
  /** Base64 HMAC-SHA256, as sent (unescaped). */
  signature: string;
  /** What goes on the wire: message + `&signature=` + signature, signature unescaped. */
  pathWithQuery: string;
}

/** Base64 HMAC-SHA256 over message (+ body bytes): the dj-api-auth signature. */
export function computeSignature(secretKey: string, message: string, body?: string | Uint8Array): string {
  const hmac = createHmac('sha256', hmacKey(secretKey)).update(message);
  if (body !== undefined && body.length > 0) hmac.update(body);
  return hmac.digest('base64');
}

/**
 * A timestamp source of its own: decimal UNIX seconds with microseconds, as Python's
 * `time.time()`, then 12 digits drawn at random once for the source. Calls never share a
 * timestamp, so identical calls never share a signature, which a replay guard would refuse:
 * inside a source the microseconds only go up, and two sources (two processes, two threads,
 * each loads this module once) differ in their 12 digits. Clocks alone are not enough: two
 * client processes on one key signed the same call in the same microsecond 32 times in 6,000.
 *
 * The digits stay inside the timestamp because every verifier accepts them there: the original
 * dj-api-auth reads it with Python's `float()` (any number of decimals; the extra ones do not
 * move the time by more than a microsecond) and signs it as sent; this project's verifier
 * takes up to 20 decimals. A new parameter would reach the user's views as a query parameter.
 */
export function timestampSource(): (nowMs?: number) => string {
  const suffix = String(randomInt(0, 1e12)).padStart(12, '0');
  let lastMicros = 0;
  return (nowMs = performance.timeOrigin + performance.now()) => {
    let micros = Math.floor(nowMs * 1000);
    if (micros <= lastMicros) micros = lastMicros + 1;
    lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}${suffix}`;
  };
}

/** This process's (this thread's) timestamps; see {@link timestampSource}. */
export const currentTimestamp: (nowMs?: number) => string = timestampSource();

/**
 * Signs a call the dj-api-auth way. The signature is appended unescaped because the original
 * server compares after form-decoding both sides: an escaped `+` (`%2B`) would not match there.
 */
export function signRequest(input: SignRequestInput): SignedRequest {
  const queryStart = input.path.indexOf('?');
  const path = queryStart === -1 ? input.path : input.path.slice(0, queryStart);
  const ownParams = queryStart === -1 ? [] : parseQueryString(input.path.slice(queryStart + 1));
  const timestamp = input.timestamp === undefined ? currentTimestamp() : String(input.timestamp);
  // Built in one string rather than through arrays: this runs on every signed call. A blank
  // value is left out of the message and the URL, as the original client does: the original
  // server drops blank values before it recomputes, so a signature over `e=` fails there.
  let query = '';
  for (const [name, value] of ownParams) if (value !== '') query += `${quotePlus(name)}=${quotePlus(value)}&`;
  if (input.params !== undefined) {
    for (const [name, value] of input.params) {
      if (value !== '') query += `${quotePlus(name)}=${quotePlus(value)}&`;
    }
  }
  const message = `${path}?${query}timestamp=${quotePlus(timestamp)}&apikey=${quotePlus(input.apiKey)}`;
  const signature = computeSignature(input.secretKey, message, input.body);
  return { message, signature, pathWithQuery: `${message}&signature=${signature}` };
}
