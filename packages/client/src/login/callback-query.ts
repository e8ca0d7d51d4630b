import { MalformedQueryError, parseQueryString, SsoError } from '@ssokit/protocol';

/** What the provider appends to the callback URL: `?redirect=/&request_token=R&auth_token=A`. */
export interface CallbackParameters {
  requestToken: string;
  authToken: string;
  redirect: string | undefined;
}

// Real callbacks are a few hundred characters; anything far beyond is not from a provider.
const MAX_QUERY_LENGTH = 4096;
const MAX_TOKEN_LENGTH = 512;
const TOKEN_SHAPE = /^[\x21-\x7e]+$/;
const SINGLE_VALUED = new Set(['request_token', 'auth_token', 'redirect']);

function badRequest(
  message: string,
  code: 'MALFORMED_REQUEST' | 'CALLBACK_PARAMETER_MISSING' = 'MALFORMED_REQUEST',
) {
  return new SsoError(code, message);
}

/**
 * Reads the callback's raw query string (with or without `?`). Refuses with a 400 what the
 * original turned into a 500 or, worse, passed on: missing tokens (it sent the string "None"
 * to the provider), repeated parameters, invalid UTF-8, oversized input.
 */
export function parseCallbackQuery(rawQuery: string): CallbackParameters {
  const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  if (query.length > MAX_QUERY_LENGTH) throw badRequest('the sign-in callback address is too long');
  let pairs: ReturnType<typeof parseQueryString>;
  try {
    pairs = parseQueryString(query);
  } catch (error) {
    if (error instanceof MalformedQueryError) throw badRequest('the sign-in callback address is malformed');
    throw error;
  }
  const values = new Map<string, string>();
  for (const [name, value] of pairs) {
    if (!SINGLE_VALUED.has(name)) continue;
    if (values.has(name)) throw badRequest(`the sign-in callback repeats the parameter ${name}`);
    values.set(name, value);
  }
  const requestToken = values.get('request_token');
  const authToken = values.get('auth_token');
  if (!requestToken || !authToken) {
    throw badRequest('the sign-in callback lacks request_token or auth_token', 'CALLBACK_PARAMETER_MISSING');
  }
  for (const [name, token] of [
    ['request_token', requestToken],
    ['auth_token', authToken],
  ] as const) {
    if (token.length > MAX_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) {
      throw badRequest(`the sign-in callback has a malformed ${name}`);
    }
  }
  return { requestToken, authToken, redirect: values.get('redirect') };
}
