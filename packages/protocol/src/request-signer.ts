import { createHmac } from 'node:crypto';
import { hmacKey } from './hmac-key-cache.ts';
import { parseQueryString, type QueryPair, quotePlus } from './python2-form-encoding.ts';

/** What one signed call is made of; the result is the exact path+query to send. */
export interface SignRequestInput {
  apiKey: string;
  secretKey: string;
  /** Path, optionally with its own query (`/sso/authtoken/?request_token=R`), kept in order. */
  path: string;
  /** More parameters, appended after the path's own ones. */
  params?: readonly QueryPair[];
  /**
   * UNIX seconds as sent on the wire (decimal fraction allowed).
   * @default the current time with millisecond precision
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

let lastTimestampMicros = 0;

/**
 * The timestamp a fresh call carries: decimal UNIX seconds with microseconds, as Python's
 * `time.time()`. Two calls from this process never share one: identical calls signed in the
 * same millisecond would carry identical signatures, and the verifier's replay guard refuses
 * the second (seen when 16 logins started at once).
 */
export function currentTimestamp(nowMs: number = performance.timeOrigin + performance.now()): string {
  let micros = Math.floor(nowMs * 1000);
  if (micros <= lastTimestampMicros) micros = lastTimestampMicros + 1;
  lastTimestampMicros = micros;
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}

/**
 * Signs a call the dj-api-auth way. The signature is appended unescaped because the original
 * server compares after form-decoding both sides: an escaped `+` (`%2B`) would not match there.
 */
export function signRequest(input: SignRequestInput): SignedRequest {
  const queryStart = input.path.indexOf('?');
  const path = queryStart === -1 ? input.path : input.path.slice(0, queryStart);
  const ownParams = queryStart === -1 ? [] : parseQueryString(input.path.slice(queryStart + 1));
  const timestamp = input.timestamp === undefined ? currentTimestamp() : String(input.timestamp);
  // Built in one string rather than through arrays: this runs on every signed call.
  let query = '';
  for (const [name, value] of ownParams) query += `${quotePlus(name)}=${quotePlus(value)}&`;
  if (input.params !== undefined) {
    for (const [name, value] of input.params) query += `${quotePlus(name)}=${quotePlus(value)}&`;
  }
  const message = `${path}?${query}timestamp=${quotePlus(timestamp)}&apikey=${quotePlus(input.apiKey)}`;
  const signature = computeSignature(input.secretKey, message, input.body);
  return { message, signature, pathWithQuery: `${message}&signature=${signature}` };
}
