import { SsoError } from '@ssokit/protocol';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { SsoClientConfig } from '../config/client-config.ts';
import { createSsoClient, type SsoClient } from '../create-sso-client.ts';
import type { SessionLookup } from '../session/session-flows.ts';
import type { RegisteredExtras } from '../user/sso-user.ts';
import type { SsoRequestContext } from './express-request.ts';
import { redirect, sendError } from './express-responses.ts';

export interface SsoExpressOptions<Extras extends object = RegisteredExtras> {
  /**
   * Starts a sign-in; honours `?next=/where/to/go` (same-origin paths or allowed origins).
   * @default '/accounts/login/'
   */
  loginPath?: string;
  /**
   * Signs out, by POST or GET; then redirects to a safe `?next=` or `defaultRedirect`.
   * @default '/accounts/logout/'
   */
  logoutPath?: string;
  /**
   * An existing client; the client options of the configuration are then ignored.
   * @default createSsoClient(config)
   */
  client?: SsoClient<Extras>;
}

export type SsoExpressConfig<Extras extends object = RegisteredExtras> = SsoClientConfig &
  SsoExpressOptions<Extras>;

/** The middleware, with the core client for use outside requests (`router.client.users`). */
export type SsoRouter<Extras extends object = RegisteredExtras> = RequestHandler & {
  readonly client: SsoClient<Extras>;
};

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const PATH = /^\/(?!\/)[^\s?#\\]*$/;

function rawQuery(req: Request): string {
  const at = req.originalUrl.indexOf('?');
  return at === -1 ? '' : req.originalUrl.slice(at + 1);
}

/** Exact path match that, like Express routes, also takes the path without its trailing slash. */
function pathIs(path: string, route: string): boolean {
  return (
    path === route || (route.endsWith('/') && path.length === route.length - 1 && route.startsWith(path))
  );
}

function firstString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Express 5 adapter: mounts the sign-in route, the provider's callback and sign-out, and sets
 * `req.user` on every request. Mount it at the root, before your routes:
 * `app.use(ssoClient({ providerUrl, apiKey, secretKey }))`.
 */
export function ssoClient<Extras extends object = RegisteredExtras>(
  config: SsoExpressConfig<Extras> = {},
): SsoRouter<Extras> {
  const {
    loginPath = '/accounts/login/',
    logoutPath = '/accounts/logout/',
    client: given,
    ...clientConfig
  } = config;
  for (const [option, path] of [
    ['loginPath', loginPath],
    ['logoutPath', logoutPath],
  ] as const) {
    if (!PATH.test(path)) throw new TypeError(`client.${option} must be a path starting with "/"`);
  }
  const client = given ?? createSsoClient<Extras>(clientConfig);
  const { logger, settings } = client;

  const callbackUrlOf = (req: Request): string => {
    if (settings.appUrl !== undefined) return settings.appUrl + settings.callbackPath;
    const host = req.get('host');
    if (host === undefined || !HOST.test(host)) {
      throw new SsoError('MALFORMED_REQUEST', 'the request has no valid Host header', { status: 400 });
    }
    return `${req.protocol}://${host}${settings.callbackPath}`;
  };

  const login = async (req: Request, res: Response) => {
    try {
      const started = await client.beginLogin({
        redirectTo: firstString(req.query.next),
        callbackUrl: callbackUrlOf(req),
        loginStateCookie: client.readCookies(req.headers.cookie).loginStateCookie,
        https: req.secure,
      });
      redirect(res, started.location, started.setCookies);
    } catch (error) {
      sendError(req, res, error, { logger });
    }
  };

  const callback = async (req: Request, res: Response) => {
    try {
      const cookies = client.readCookies(req.headers.cookie);
      const done = await client.completeLogin({
        query: rawQuery(req),
        loginStateCookie: cookies.loginStateCookie,
        sessionToken: cookies.sessionToken,
        https: req.secure,
      });
      redirect(res, done.redirectTo, done.setCookies);
    } catch (error) {
      sendError(req, res, error, { logger, retryPath: loginPath });
    }
  };

  const signOut = async (req: Request, res: Response) => {
    const target = client.safeRedirect(firstString(req.query.next));
    try {
      const done = await client.logout({
        sessionToken: client.readCookies(req.headers.cookie).sessionToken,
        https: req.secure,
      });
      redirect(res, target, done.setCookies);
    } catch (error) {
      // The store is down: the session may live on there, but this browser forgets it now.
      const cleared = client.clearedSessionCookie(req.secure);
      sendError(req, res, error, { logger, setCookies: [cleared] });
    }
  };
  // Shared by every request whose session read worked: nothing to allocate per request.
  const contextWithoutError: SsoRequestContext = Object.freeze({ client, loginPath, error: undefined });
  const attach = (req: Request, res: Response, lookup: SessionLookup<Extras>) => {
    if (lookup.setCookie !== undefined) res.append('Set-Cookie', lookup.setCookie);
    req.user = lookup.user as Express.User | undefined;
    req.sso =
      lookup.error === undefined
        ? contextWithoutError
        : ({ client, loginPath, error: lookup.error } as SsoRequestContext);
  };

  // One function rather than an Express Router: every request of the app passes here, and a
  // Router's layer matching cost more than reading the session (measured in bench/). Not
  // async: with a store in this process the session is read at once, and Express then handles
  // no promise either.
  const middleware = (req: Request, res: Response, next: NextFunction) => {
    const method = req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'POST') {
      const path = req.path;
      const read = method !== 'POST';
      if (read && pathIs(path, loginPath)) return login(req, res);
      if (read && pathIs(path, settings.callbackPath)) return callback(req, res);
      if (pathIs(path, logoutPath)) return signOut(req, res);
    }
    // `req` is read for `secure` only when a cookie must be set.
    const lookup = client.lookupSession(req.headers.cookie, req);
    if (lookup instanceof Promise) {
      return lookup.then((found) => {
        attach(req, res, found);
        next();
      });
    }
    attach(req, res, lookup);
    next();
  };
  Object.defineProperty(middleware, 'client', { value: client, enumerable: true });
  return middleware as SsoRouter<Extras>;
}
