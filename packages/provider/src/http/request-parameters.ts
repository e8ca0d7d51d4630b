import { MalformedQueryError, parseQueryString, SsoError, SsoErrorCode } from '@ssokit/protocol';

/** Longest query string the pages read; a login URL is far shorter. */
const MAX_QUERY_LENGTH = 8192;

/** The path and the undecoded query of a request URL (`req.originalUrl`). */
export function splitUrl(originalUrl: string): { path: string; rawQuery: string } {
  const queryStart = originalUrl.indexOf('?');
  return queryStart === -1
    ? { path: originalUrl, rawQuery: '' }
    : { path: originalUrl.slice(0, queryStart), rawQuery: originalUrl.slice(queryStart + 1) };
}

export function malformedRequest(message: string, cause?: unknown): SsoError {
  return new SsoError(SsoErrorCode.MALFORMED_REQUEST, message, { wireMessage: message, cause });
}

/**
 * Decodes form-encoded parameters into single values. Bad escapes, invalid UTF-8, NUL and other
 * control characters, and a parameter given twice are refused (400) instead of guessed at: two
 * `next` values could otherwise be checked on one and acted on with the other.
 */
export function singleParameters(encoded: string): Map<string, string> {
  if (encoded.length > MAX_QUERY_LENGTH) throw malformedRequest('parameters too long');
  let pairs: ReturnType<typeof parseQueryString>;
  try {
    pairs = parseQueryString(encoded);
  } catch (cause) {
    if (cause instanceof MalformedQueryError) throw malformedRequest('malformed parameters', cause);
    throw cause;
  }
  const params = new Map<string, string>();
  for (const [name, value] of pairs) {
    if (params.has(name)) throw malformedRequest(`repeated parameter: ${name.slice(0, 40)}`);
    // Form fields are single-line; a password may hold a tab, nothing lower.
    if (hasControlCharacter(value))
      throw malformedRequest(`control character in parameter: ${name.slice(0, 40)}`);
    params.set(name, value);
  }
  return params;
}

/** Any C0 control character but tab, or DEL. */
function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}
