/**
 * A stand-in for the unmodified Python dj-sso-server + dj-api-auth, written from their source
 * and the recorded transcripts (fixtures/transcripts/04-provider-errors.json): same endpoints,
 * same checks in the same order, same error texts, statuses and JSON spacing, same weaknesses
 * (8-hex request tokens, deterministic auth tokens). Tests of the client run against it to show
 * the client interoperates with the original byte for byte.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pythonJsonString } from '@ssokit/protocol';

/** A Django user as `model_to_dict(user, exclude=[password, user_permissions])` gives it. */
export type OriginalUser = { id: number; username: string; password: string } & Record<string, unknown>;

export interface OriginalServerOptions {
  apiKey: string;
  /** The API key's SEC key (`seckey` of the client). */
  secretKey: string;
  /** The `host[:port]` the key is bound to (`SSO.host`); settable later with `bindHost`. */
  boundHost?: string;
  /** Django's SECRET_KEY, which the original used for auth tokens. */
  serverSecret?: string;
  users: OriginalUser[];
}

export interface OriginalDjSsoServer {
  url: string;
  /** Every back-channel call received, path with query exactly as sent. */
  readonly backChannel: string[];
  bindHost(host: string): void;
  /** Makes an endpoint (`reqeusttoken/`, `authtoken/`) accept calls and never answer. */
  stall(endpoint: string): void;
  /** Replaces a user's attributes (as an admin editing the account would). */
  updateUser(username: string, changes: Record<string, unknown>): void;
  close(): Promise<void>;
}

const PREFIX = '/sso/';
const REQUEST_TOKEN_TTL_MS = 240_000;
// Django's default cache timeout, which `cache.set` used for the bound user.
const DEFAULT_CACHE_TTL_MS = 300_000;
const ALLOWED_DRIFT_SECONDS = 300;

/** `json.dumps` as Python writes it: `", "` and `": "` separators, non-ASCII escaped. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return pythonJsonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([key, item]) => `${pythonJsonString(key)}: ${pythonJsonDumps(item)}`).join(', ')}}`;
}

/** dj-sso-server's `gen_auth_token`: hex HMAC-SHA256 of the request token under SECRET_KEY. */
export function originalAuthToken(serverSecret: string, requestToken: string): string {
  return createHmac('sha256', serverSecret).update(requestToken, 'latin1').digest('hex');
}

/** Python 2 `urllib.unquote_plus` on a byte string (latin1 here): bad escapes stay as they are. */
function unquotePlus(text: string): string {
  return text
    .replaceAll('+', ' ')
    .replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Python 2 `urllib.quote_plus` on a byte string. */
function quotePlus(bytes: string): string {
  let out = '';
  for (const ch of bytes) {
    if (/[A-Za-z0-9_.-]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Python 2 `urlparse.parse_qsl` (keep_blank_values off): `&` and `;` separate, blanks dropped. */
function parseQsl(query: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of query.split(/[&;]/)) {
    const eq = part.indexOf('=');
    if (eq === -1 || eq === part.length - 1) continue;
    pairs.push([unquotePlus(part.slice(0, eq)), unquotePlus(part.slice(eq + 1))]);
  }
  return pairs;
}

const urlencode = (pairs: [string, string][]) =>
  pairs.map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join('&');
const first = (pairs: [string, string][], name: string) => pairs.find(([key]) => key === name)?.[1];
const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' })[ch] ?? ch,
  );

/** `urlparse.urlparse` split, enough for `append_tokens` and the host check. */
function urlParts(url: string) {
  const match = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(
    url,
  );
  return {
    scheme: match?.[1] ?? '',
    netloc: match?.[2] ?? '',
    path: match?.[3] ?? '',
    query: match?.[4] ?? '',
    fragment: match?.[5],
  };
}

export async function startOriginalDjSsoServer(options: OriginalServerOptions): Promise<OriginalDjSsoServer> {
  const serverSecret = options.serverSecret ?? 'django-insecure-provider-secret';
  let boundHost = options.boundHost ?? '';
  const users = new Map(options.users.map((user) => [user.username, { ...user }]));
  const cache = new Map<string, { value: string; expiresAt: number }>();
  const providerSessions = new Map<string, string>();
  const stalled = new Set<string>();
  const backChannel: string[] = [];
  const sockets = new Set<Socket>();

  const cacheGet = (key: string) => {
    const entry = cache.get(key);
    if (entry === undefined || entry.expiresAt <= Date.now()) return undefined;
    return entry.value;
  };
  const cacheSet = (key: string, value: string, ttlMs: number) =>
    cache.set(key, { value, expiresAt: Date.now() + ttlMs });
  const genAuthToken = (requestToken: string) => originalAuthToken(serverSecret, requestToken);
  const userToJson = (user: OriginalUser) => {
    const { password: _password, ...fields } = user;
    return pythonJsonDumps(fields);
  };

  const send = (
    res: ServerResponse,
    status: number,
    type: string,
    body: string,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'Content-Type': type, 'X-Frame-Options': 'DENY', ...headers });
    res.end(body);
  };
  const sendJson = (res: ServerResponse, status: number, body: string) =>
    send(res, status, 'application/json', body);
  const sendText = (res: ServerResponse, status: number, body: string) =>
    send(res, status, 'text/html; charset=utf-8', body);

  /** dj-api-auth's `_auth_url`: returns an error text, or undefined when the call is allowed. */
  const apiAuth = (path: string, query: string): string | undefined => {
    const pairs = parseQsl(query);
    const signature = first(pairs, 'signature');
    const apikey = first(pairs, 'apikey');
    const timestamp = first(pairs, 'timestamp');
    if (!(apikey && signature && timestamp)) return 'parameter missing';
    const sent = Number(timestamp.trim());
    if (timestamp.trim() === '' || Number.isNaN(sent))
      return `could not convert string to float: ${timestamp}`;
    if (Math.abs(Date.now() / 1000 - sent) > ALLOWED_DRIFT_SECONDS)
      return `time drift > ${ALLOWED_DRIFT_SECONDS} sec`;
    const entryPoint = path.replace(/^\/+/, '');
    const allowed = [`${PREFIX.slice(1)}reqeusttoken/`, `${PREFIX.slice(1)}authtoken/`];
    if (apikey !== options.apiKey || !allowed.includes(entryPoint))
      return 'entry point not allowed for the API key';
    const unsigned = pairs.filter(([name]) => name !== 'signature');
    const original = unsigned.length === 0 ? path : `${path}?${urlencode(unsigned)}`;
    const expected = createHmac('sha256', options.secretKey).update(original, 'latin1').digest('base64');
    // The original compares the form-decoded received value with unquote_plus(expected).
    if (signature !== unquotePlus(expected)) return 'signature error';
    return undefined;
  };

  const loginFormPage = (next: string, csrf: string, error?: string, username?: string) =>
    '<!DOCTYPE html>\n\n<html lang="en-us" dir="ltr">\n<head>\n<title> | Django site admin</title>\n</head>\n<body>\n' +
    '<h1 id="site-name">Single Sign-on</h1>\n' +
    (error ? `<p class="errornote">\n    ${escapeHtml(error)}\n</p>\n` : '') +
    '<div id="content-main">\n<form action="" method="post" id="login-form">' +
    `<input type="hidden" name="csrfmiddlewaretoken" value="${csrf}">\n` +
    `<input type="text" name="username"${username ? ` value="${escapeHtml(username)}"` : ''} autofocus maxlength="150" required id="id_username">\n` +
    '<input type="password" name="password" required id="id_password">\n' +
    `<input type="hidden" name="next" value="${escapeHtml(next)}"/>\n<input type="submit" value="Log in"/>\n</form>\n</div>\n</body>\n</html>\n`;

  const cookiesOf = (req: IncomingMessage) =>
    Object.fromEntries(
      (req.headers.cookie ?? '')
        .split(';')
        .map((part) => part.trim().split('='))
        .filter((pair) => pair.length === 2),
    ) as Record<string, string>;

  const readForm = async (req: IncomingMessage): Promise<[string, string][]> => {
    let body = '';
    for await (const chunk of req) body += (chunk as Buffer).toString('latin1');
    return parseQsl(body);
  };

  const ssoLogin = async (
    req: IncomingMessage,
    res: ServerResponse,
    fullPath: string,
    query: string,
    csrf: { received: string | undefined; page: string },
  ) => {
    const get = parseQsl(query);
    const post = req.method === 'POST' ? await readForm(req) : [];
    const pick = (name: string) => first(post, name) ?? first(get, name);
    const redirectTo = pick('next');
    const requestToken = pick('request_token');
    const apiKey = pick('api_key');
    if (!(redirectTo && requestToken && apiKey)) return sendText(res, 403, 'parameter missing');
    if (!cacheGet(`sso::${requestToken}`)) return sendText(res, 403, 'invalid request token');
    if (urlParts(redirectTo).netloc !== boundHost || apiKey !== options.apiKey) {
      return sendText(res, 403, 'request deny for remote host');
    }
    const okLocation = () => {
      const parts = urlParts(redirectTo);
      const params = new Map(parseQsl(parts.query));
      params.set('request_token', requestToken);
      params.set('auth_token', genAuthToken(requestToken));
      const rebuilt = `${parts.scheme ? `${parts.scheme}:` : ''}${parts.netloc ? `//${parts.netloc}` : ''}${parts.path}?${urlencode([...params])}`;
      return parts.fragment === undefined ? rebuilt : `${rebuilt}#${parts.fragment}`;
    };
    const cookies = cookiesOf(req);
    const sessionUser = providerSessions.get(cookies.sessionid ?? '');
    if (req.method === 'POST') {
      if (!csrf.received || first(post, 'csrfmiddlewaretoken') !== csrf.received) {
        return send(
          res,
          403,
          'text/html',
          '<h1>Forbidden (403)</h1><p>CSRF verification failed. Request aborted.</p>',
        );
      }
      const username = first(post, 'username') ?? '';
      const user = users.get(username);
      if (user !== undefined && user.password === (first(post, 'password') ?? '')) {
        cacheSet(`sso::${requestToken}`, userToJson(user), DEFAULT_CACHE_TTL_MS);
        return send(res, 302, 'text/html; charset=utf-8', '', { Location: okLocation() });
      }
      const note =
        'Please enter a correct username and password. Note that both fields may be case-sensitive.';
      return sendText(res, 200, loginFormPage(redirectTo, csrf.page, note, username));
    }
    const cwca = first(get, 'cwca');
    if (cwca === 'yes') {
      // The original binds request.user; for an anonymous browser that crashed (transcript 04).
      const user = users.get(sessionUser ?? '');
      if (user === undefined) return sendText(res, 500, '<h1>Server Error (500)</h1>');
      cacheSet(`sso::${requestToken}`, userToJson(user), DEFAULT_CACHE_TTL_MS);
      return send(res, 302, 'text/html; charset=utf-8', '', { Location: okLocation() });
    }
    if (sessionUser !== undefined && cwca !== 'no') {
      const href = escapeHtml(fullPath);
      return sendText(
        res,
        200,
        '<!DOCTYPE html>\n<html><head><title> | Django site admin</title></head><body>\n<h1 id="site-name">Single Sign-on</h1>\n' +
          `<div id="content-main">\n<h2>Continue with current user? ${escapeHtml(sessionUser)}</h2>\n` +
          `<a href="${href}&cwca=yes" class="btn">continue</a>\n<a href="${href}&cwca=no" class="btn">switch account</a>\n` +
          `<h4>please finish the login in ${REQUEST_TOKEN_TTL_MS / 1000} seconds.</h4>\n</div></body></html>\n`,
      );
    }
    return sendText(res, 200, loginFormPage(redirectTo, csrf.page));
  };

  const server = createServer(async (req, res) => {
    const fullPath = req.url ?? '/';
    const at = fullPath.indexOf('?');
    const path = at === -1 ? fullPath : fullPath.slice(0, at);
    const query = at === -1 ? '' : fullPath.slice(at + 1);
    try {
      if (path === `${PREFIX}reqeusttoken/` || path === `${PREFIX}authtoken/`) {
        backChannel.push(fullPath);
        if (stalled.has(path.slice(PREFIX.length))) return;
        const refused = apiAuth(path, query);
        if (refused !== undefined) return sendJson(res, 403, `{"error": ${pythonJsonString(refused)}}`);
        if (path.endsWith('reqeusttoken/')) {
          const token = randomUUID().replaceAll('-', '').slice(0, 8);
          cacheSet(`sso::${token}`, '{}', REQUEST_TOKEN_TTL_MS);
          return sendJson(res, 200, `{"request_token": "${token}"}`);
        }
        const pairs = parseQsl(query);
        const requestToken = first(pairs, 'request_token');
        const authToken = first(pairs, 'auth_token');
        let failure: string;
        if (!(requestToken && authToken)) failure = 'parameter missing';
        else {
          const info = cacheGet(`sso::${requestToken}`);
          if (!info) failure = 'request token not found';
          else if (info === '{}') failure = 'request token error';
          else {
            cache.delete(`sso::${requestToken}`);
            if (authToken !== genAuthToken(requestToken)) failure = 'auth token error';
            else return sendJson(res, 200, `{"user": ${info}}`);
          }
        }
        return sendJson(res, 403, `{"error": ${pythonJsonString(failure)}}`);
      }
      if (path === `${PREFIX}login/`) {
        const received = cookiesOf(req).csrftoken;
        const page = received ?? randomBytes(32).toString('hex');
        res.setHeader('Set-Cookie', `csrftoken=${page}; Path=/; SameSite=Lax`);
        return await ssoLogin(req, res, fullPath, query, { received, page });
      }
      if (path === '/login/') {
        const received = cookiesOf(req).csrftoken;
        const csrf = received ?? randomBytes(32).toString('hex');
        res.setHeader('Set-Cookie', `csrftoken=${csrf}; Path=/; SameSite=Lax`);
        if (req.method !== 'POST') {
          return sendText(
            res,
            200,
            `<form method="post" action="/login/"><input type="hidden" name="csrfmiddlewaretoken" value="${csrf}">` +
              '<input type="text" name="username"><input type="password" name="password"></form>',
          );
        }
        const form = await readForm(req);
        if (!received || first(form, 'csrfmiddlewaretoken') !== received)
          return sendText(res, 403, 'CSRF verification failed');
        const user = users.get(first(form, 'username') ?? '');
        if (user === undefined || user.password !== first(form, 'password'))
          return sendText(res, 200, 'bad login');
        const sessionId = randomBytes(16).toString('hex');
        providerSessions.set(sessionId, user.username);
        res.setHeader('Set-Cookie', [
          `csrftoken=${csrf}; Path=/; SameSite=Lax`,
          `sessionid=${sessionId}; HttpOnly; Path=/; SameSite=Lax`,
        ]);
        return send(res, 302, 'text/html; charset=utf-8', '', { Location: '/' });
      }
      return sendText(res, 404, 'not found');
    } catch {
      return sendText(res, 500, '<h1>Server Error (500)</h1>');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    backChannel,
    bindHost(host) {
      boundHost = host;
    },
    stall(endpoint) {
      stalled.add(endpoint);
    },
    updateUser(username, changes) {
      const user = users.get(username);
      if (user === undefined) throw new Error(`no user ${username}`);
      users.set(username, { ...user, ...changes } as OriginalUser);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
