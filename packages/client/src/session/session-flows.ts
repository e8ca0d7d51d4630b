import { clearedCookie, readCookie, type SsoError, siteCookie } from '@ssokit/protocol';
import { type ClientContext, storeUnavailable } from '../client-context.ts';
import type { SsoUser } from '../user/sso-user.ts';
import type { ActiveSession } from './session-manager.ts';

/** The result of reading a request's session. */
export interface SessionLookup<Extras extends object> {
  /** The signed-in user, or undefined. */
  user: SsoUser<Extras> | undefined;
  /** A `Set-Cookie` to send: the renewed session cookie, or the removal of a dead one. */
  setCookie?: string;
  /** Set when the session store failed: pages that need the user should answer 503. */
  error?: SsoError;
}

/** What the per-request path needs to know of the request: whether it came over https. */
export interface RequestTransport {
  /** Read only when a cookie is set (rarely), so a getter such as Express's `req.secure` fits. */
  readonly secure?: boolean | undefined;
}

const ANONYMOUS: SessionLookup<never> = Object.freeze({ user: undefined });

/**
 * The per-request path: cookie -> session -> user, one store `get`. Answers at once when the
 * session store lives in this process (no promise, no extra tick), otherwise with a promise.
 * Never throws nor rejects: a store that is down is logged once per outage and reported in
 * `error`.
 */
export function lookupSession<Extras extends object>(
  context: ClientContext<Extras>,
  cookieHeader: string | undefined,
  request: RequestTransport,
): SessionLookup<Extras> | Promise<SessionLookup<Extras>> {
  const token = readCookie(cookieHeader, context.config.cookieName);
  if (token === undefined) return ANONYMOUS;
  let session: ReturnType<ClientContext<Extras>['sessions']['readNowOrLater']>;
  try {
    session = context.sessions.readNowOrLater(token);
  } catch (error) {
    return storeFailed(context, error);
  }
  if (session instanceof Promise) {
    return session.then(
      (active) => toLookup(context, token, active, request),
      (error: unknown) => storeFailed(context, error),
    );
  }
  return toLookup(context, token, session, request);
}

/** {@link lookupSession} as a promise, for callers outside a framework's request path. */
export async function readSession<Extras extends object>(
  context: ClientContext<Extras>,
  cookieHeader: string | undefined,
  https?: boolean,
): Promise<SessionLookup<Extras>> {
  return lookupSession(context, cookieHeader, { secure: https });
}

function toLookup<Extras extends object>(
  context: ClientContext<Extras>,
  token: string,
  session: ActiveSession<Extras> | undefined,
  request: RequestTransport,
): SessionLookup<Extras> {
  context.sessionStoreOutage.succeeded();
  if (session === undefined) {
    // A cookie for a session that is gone: have the browser drop it, once.
    return {
      user: undefined,
      setCookie: clearedCookie(context.config.cookieName, { secure: context.secureCookies(request.secure) }),
    };
  }
  if (!session.renewed) return { user: session.user };
  const maxAge = (session.expiresAt - Date.now()) / 1000;
  const secure = context.secureCookies(request.secure);
  return {
    user: session.user,
    setCookie: siteCookie(context.config.cookieName, token, { secure, maxAgeSeconds: maxAge }),
  };
}

function storeFailed<Extras extends object>(
  context: ClientContext<Extras>,
  error: unknown,
): SessionLookup<Extras> {
  context.sessionStoreOutage.failed(error);
  return { user: undefined, error: storeUnavailable(error, 'session store') };
}

/**
 * Ends one session. The stored user stays (other sessions of the user may live; it is
 * refreshed at the next sign-in and removed by `removeUser`). Returns whether a session was ended.
 */
export async function endSession<Extras extends object>(
  context: ClientContext<Extras>,
  sessionToken: string | undefined,
): Promise<boolean> {
  const ended = await context.sessions.invalidate(sessionToken);
  if (ended === undefined) return false;
  context.logger.info({ event: 'logout', userId: ended.userId }, 'session ended');
  return true;
}

export interface LogoutResult {
  /** Whether a live session was ended. */
  loggedOut: boolean;
  /** `Set-Cookie` values that remove the session cookie. */
  setCookies: string[];
}

/**
 * Signs out: the session is deleted on the server, so a copied cookie no longer works. Does
 * not sign the user out at the provider (neither did the original). Throws a 503 `SsoError`
 * when the store is down; the cookie should be cleared anyway.
 */
export async function logout<Extras extends object>(
  context: ClientContext<Extras>,
  input: { sessionToken?: string | undefined; https?: boolean | undefined },
): Promise<LogoutResult> {
  let loggedOut: boolean;
  try {
    loggedOut = await endSession(context, input.sessionToken);
  } catch (error) {
    context.sessionStoreOutage.failed(error);
    throw storeUnavailable(error, 'session store');
  }
  const secure = context.secureCookies(input.https);
  return { loggedOut, setCookies: [clearedCookie(context.config.cookieName, { secure })] };
}
