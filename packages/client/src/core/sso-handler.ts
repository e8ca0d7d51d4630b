import { SsoError, wireErrorJson } from '@ssokit/protocol';
import type { SsoClient } from '../create-sso-client.ts';
import { describeError } from '../logging/sso-logger.ts';
import type { SessionLookup } from '../session/session-flows.ts';
import type { RegisteredExtras } from '../user/sso-user.ts';
import {
  BodyReadError,
  MAX_NOTICE_BODY_BYTES,
  NOTICE_BODY_DEADLINE_MS,
  withDeadline,
} from './bounded-body.ts';
import { type LoginRequirement, loginRequirement } from './login-requirement.ts';
import { logoutConfirmationPage } from './logout-page.ts';
import { signOutLocation } from './provider-sign-out.ts';
import { callbackUrlOf, isCrossSite } from './request-origin.ts';
import { errorAnswer, pageAnswer, redirectAnswer } from './sso-answers.ts';
import { headerOf, rawQueryOf, type SsoAnswer, type SsoHttpRequest, singleParameter } from './sso-http.ts';
import { SsoRoutes } from './sso-routes.ts';

export interface SsoHandlerOptions {
  /**
   * Starts a sign-in (GET); honours `?next=/where/to/go` (same-origin paths or allowed origins).
   * @default '/accounts/login/'
   */
  loginPath?: string;
  /**
   * Signs out by POST (refused from another site); a GET shows a confirmation whose button
   * posts. Then redirects to a safe `?next=` or `defaultRedirect` (through the provider's
   * sign-out first with the client option `signOutAtProvider`).
   * @default '/accounts/logout/'
   */
  logoutPath?: string;
}

/** A request that is not an SSO route: the app answers it, with this user. */
export interface SsoPass<Extras extends object> extends SessionLookup<Extras> {
  readonly status?: undefined;
}

/** What the core makes of a request: the user for the app, or a complete answer. */
export type SsoOutcome<Extras extends object> = SsoPass<Extras> | SsoAnswer;

/** True when the core answered the request itself. */
export function isAnswer<Extras extends object>(outcome: SsoOutcome<Extras>): outcome is SsoAnswer {
  return outcome.status !== undefined;
}

/** The framework-free request core every adapter translates to and from. */
export interface SsoHandler<Extras extends object = RegisteredExtras> {
  readonly client: SsoClient<Extras>;
  readonly loginPath: string;
  readonly logoutPath: string;
  /**
   * Every request of the app. SSO routes (sign-in, callback, sign-out) get a complete answer;
   * any other request gets its session's user, at once (no promise) when the session store
   * lives in this process. Never throws nor rejects.
   */
  handle(request: SsoHttpRequest): SsoOutcome<Extras> | Promise<SsoOutcome<Extras>>;
  /** `requireLogin()`'s decision for a request whose session `handle()` read into `state`. */
  requireLogin(
    state: Pick<SessionLookup<object>, 'user' | 'error'>,
    request: Pick<SsoHttpRequest, 'url' | 'headers'>,
  ): LoginRequirement;
}

/**
 * How an adapter reads a request's body, at most `limit` bytes (else a 413 `BodyReadError`).
 * Called only for a POST to the logout notice path.
 */
export type RequestBodyOf = (request: SsoHttpRequest, limit: number) => Promise<Uint8Array>;

/**
 * Builds the request core on a client; `loginPath` and `logoutPath` are validated here.
 * With `bodyOf`, a POST to `settings.logoutNoticePath` is the provider's logout notice.
 */
export function createSsoHandler<Extras extends object>(
  client: SsoClient<Extras>,
  options: SsoHandlerOptions = {},
  bodyOf?: RequestBodyOf,
): SsoHandler<Extras> {
  const { loginPath = '/accounts/login/', logoutPath = '/accounts/logout/' } = options;
  const { logger, settings } = client;
  const routes = new SsoRoutes({
    loginPath,
    logoutPath,
    callbackPath: settings.callbackPath,
    // Without a body reader the notice path is left to the app.
    ...(bodyOf === undefined ? {} : { logoutNoticePath: settings.logoutNoticePath }),
  });
  const cookiesOf = (request: SsoHttpRequest) => client.readCookies(headerOf(request.headers, 'cookie'));

  const login = async (request: SsoHttpRequest): Promise<SsoAnswer> => {
    try {
      const started = await client.beginLogin({
        redirectTo: singleParameter(request.url, 'next'),
        callbackUrl: callbackUrlOf(request, settings),
        loginStateCookie: cookiesOf(request).loginStateCookie,
        https: request.secure,
      });
      return redirectAnswer(started.location, started.setCookies);
    } catch (error) {
      return errorAnswer(request, error, { logger });
    }
  };

  const callback = async (request: SsoHttpRequest): Promise<SsoAnswer> => {
    try {
      const cookies = cookiesOf(request);
      const done = await client.completeLogin({
        query: rawQueryOf(request.url),
        loginStateCookie: cookies.loginStateCookie,
        sessionToken: cookies.sessionToken,
        https: request.secure,
      });
      return redirectAnswer(done.redirectTo, done.setCookies);
    } catch (error) {
      return errorAnswer(request, error, { logger, retryPath: loginPath });
    }
  };

  const confirmLogout = (request: SsoHttpRequest): SsoAnswer => {
    const next = singleParameter(request.url, 'next');
    const target = client.safeRedirect(next);
    // Nobody to sign out: nothing to confirm.
    if (cookiesOf(request).sessionToken === undefined) return redirectAnswer(target);
    const action = next === undefined ? logoutPath : `${logoutPath}?next=${encodeURIComponent(target)}`;
    return pageAnswer(200, logoutConfirmationPage(action));
  };

  const signOut = async (request: SsoHttpRequest): Promise<SsoAnswer> => {
    if (isCrossSite(request, settings.appUrl)) {
      logger.warn({ event: 'logout refused', reason: 'cross-site' }, 'sign-out from another site refused');
      const refused = new SsoError('CROSS_SITE_REQUEST', 'sign-out must be confirmed on this site');
      return errorAnswer(request, refused, { logger });
    }
    const target = client.safeRedirect(singleParameter(request.url, 'next'));
    try {
      const done = await client.logout({
        sessionToken: cookiesOf(request).sessionToken,
        https: request.secure,
      });
      // With `signOutAtProvider`, on through the provider's sign-out, which comes back to `target`.
      return redirectAnswer(signOutLocation(target, request, settings), done.setCookies);
    } catch (error) {
      // The store is down: the session may live on there, but this browser forgets it now.
      const cleared = client.clearedSessionCookie(request.secure);
      return errorAnswer(request, error, { logger, setCookies: [cleared] });
    }
  };

  const noticeRefused = (status: number, text: string): SsoAnswer => ({
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', connection: 'close' },
    setCookies: [],
    body: wireErrorJson(text),
  });

  const logoutNotice = async (request: SsoHttpRequest, read: RequestBodyOf): Promise<SsoAnswer> => {
    let body: Uint8Array;
    try {
      body = await withDeadline(read(request, MAX_NOTICE_BODY_BYTES), NOTICE_BODY_DEADLINE_MS);
    } catch (error) {
      // A body cut off or broken mid-way (the caller went away) is a bad request.
      const status = error instanceof BodyReadError ? error.status : 400;
      logger.warn({ event: 'logout_notice', outcome: 'refused', status }, 'logout notice body unread');
      return noticeRefused(status, error instanceof BodyReadError ? error.message : 'bad request');
    }
    // The path as the routes matched it: with or without its trailing slash, it is the notice's.
    try {
      const answer = await client.handleLogoutNotice({
        method: request.method,
        path: settings.logoutNoticePath,
        rawQuery: rawQueryOf(request.url),
        headers: request.headers,
        ...(body.length === 0 ? {} : { body }),
      });
      return { status: answer.status, headers: answer.headers, setCookies: [], body: answer.body };
    } catch (error) {
      // handle() never rejects: whatever failed, the provider retries on a 503.
      logger.error({ event: 'logout_notice', err: describeError(error) }, 'could not handle a logout notice');
      return noticeRefused(503, 'service unavailable');
    }
  };

  return {
    client,
    loginPath,
    logoutPath,
    handle(request) {
      const method = request.method;
      if (method === 'GET' || method === 'HEAD' || method === 'POST') {
        const route = routes.match(request.url);
        if (route === 'logout') return method === 'POST' ? signOut(request) : confirmLogout(request);
        if (route === 'logoutNotice') {
          // Other methods reach the app, as before the notice path was mounted.
          if (method === 'POST' && bodyOf !== undefined) return logoutNotice(request, bodyOf);
        } else if (route !== undefined && method !== 'POST')
          return route === 'login' ? login(request) : callback(request);
      }
      // `request` is read for `secure` only when a cookie must be set.
      return client.lookupSession(headerOf(request.headers, 'cookie'), request);
    },
    requireLogin: (state, request) => loginRequirement(state, request, { loginPath, logger }),
  };
}
