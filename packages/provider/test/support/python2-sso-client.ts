import { computeSignature, type QueryPair, quotePlus, urlencodePython2 } from '@ssokit/protocol';

/**
 * What an unmodified dj-sso-client on Python 2 puts on the wire, rebuilt byte for byte:
 * `str(time.time())` timestamps (12 significant digits), parameters in Python 2's dict order,
 * the signature appended unescaped, and the login redirect's parameter order.
 */
export function python2Timestamp(nowMs: number): string {
  const text = String(Number((nowMs / 1000).toPrecision(12)));
  return text.includes('.') ? text : `${text}.0`;
}

export interface Python2Client {
  apiKey: string;
  secret: string;
  /** Provider base URL, e.g. http://127.0.0.1:9000 */
  providerUrl: string;
  now: () => number;
}

function signedPath(client: Python2Client, path: string, pairs: QueryPair[]): string {
  const message = `${path}?${urlencodePython2(pairs)}`;
  return `${message}&signature=${computeSignature(client.secret, message)}`;
}

/** `GET /sso/reqeusttoken/?timestamp=T&apikey=K&signature=S`. */
export function requestTokenPath(client: Python2Client, prefix = '/sso/'): string {
  return signedPath(client, `${prefix}reqeusttoken/`, [
    ['timestamp', python2Timestamp(client.now())],
    ['apikey', client.apiKey],
  ]);
}

/** `GET /sso/authtoken/?request_token=R&timestamp=T&auth_token=A&apikey=K&signature=S`. */
export function authTokenPath(
  client: Python2Client,
  requestToken: string,
  authToken: string,
  prefix = '/sso/',
): string {
  return signedPath(client, `${prefix}authtoken/`, [
    ['request_token', requestToken],
    ['timestamp', python2Timestamp(client.now())],
    ['auth_token', authToken],
    ['apikey', client.apiKey],
  ]);
}

/** The browser redirect: `/sso/login/?request_token=R&api_key=K&next=CALLBACK`. */
export function loginPath(
  client: Python2Client,
  requestToken: string,
  next: string,
  prefix = '/sso/',
): string {
  return `${prefix}login/?request_token=${quotePlus(requestToken)}&api_key=${quotePlus(client.apiKey)}&next=${quotePlus(next)}`;
}
