import { clearedCookie, readCookie } from '@ssokit/protocol';
import { buildClientContext } from './client-context.ts';
import { resolveClientConfig, type SsoClientConfig } from './config/client-config.ts';
import type { SsoLogger } from './logging/sso-logger.ts';
import { type BeginLoginInput, type BeginLoginResult, beginLogin } from './login/begin-login.ts';
import { type CompleteLoginInput, type CompleteLoginResult, completeLogin } from './login/complete-login.ts';
import { safeRedirectTarget } from './login/safe-redirect.ts';
import {
  type LogoutNoticeAnswer,
  type LogoutNoticeRequest,
  logoutNoticeHandler,
} from './logout/logout-notice.ts';
import { errorCode, type SsoClientEvents } from './metrics/client-events.ts';
import {
  type LogoutResult,
  logout,
  lookupSession,
  type RequestTransport,
  readSession,
  type SessionLookup,
} from './session/session-flows.ts';
import type { SsoUser, SsoUserId } from './user/sso-user.ts';
import type { UserStore } from './user/user-store.ts';

/** Settings an adapter needs; no secrets. */
export interface SsoClientSettings {
  /** The provider's base URL (never holds a secret, so apps may show it). */
  readonly providerUrl: string;
  readonly callbackPath: string;
  /** Where adapters mount {@link SsoClient.handleLogoutNotice} (POST). */
  readonly logoutNoticePath: string;
  readonly defaultRedirect: string;
  readonly cookieName: string;
  readonly loginCookieName: string;
  readonly appUrl: string | undefined;
  /**
   * With `signOutAtProvider`, the provider's logout page for this app
   * (`{providerUrl}/logout/?api_key=…`; the key is public, in every login URL); else undefined.
   */
  readonly providerLogoutUrl: string | undefined;
}

/**
 * The framework-free SSO client. Every method takes strings and returns plain results, so an
 * adapter only translates cookies, redirects and `req.user`.
 */
export interface SsoClient<Extras extends object = Record<string, unknown>> {
  readonly settings: SsoClientSettings;
  /** Where signed-in users are stored; for the app to look users up. */
  readonly users: UserStore;
  /** Starts a sign-in: the provider URL to redirect to and the pending sign-in cookie. */
  beginLogin(input: BeginLoginInput): Promise<BeginLoginResult>;
  /** Finishes a sign-in at the callback: the new session cookie, the user, where to go. */
  completeLogin(input: CompleteLoginInput): Promise<CompleteLoginResult<Extras>>;
  /** The session of a request from its `Cookie` header; never throws. */
  readSession(cookieHeader: string | undefined, https?: boolean): Promise<SessionLookup<Extras>>;
  /**
   * For framework adapters, on every request: as `readSession`, but answered at once (no
   * promise) when the session store lives in this process. `request.secure` is read only when
   * a cookie must be set, so a framework's request object with a `secure` getter fits.
   */
  lookupSession(
    cookieHeader: string | undefined,
    request: RequestTransport,
  ): SessionLookup<Extras> | Promise<SessionLookup<Extras>>;
  /** The signed-in user of a `Cookie` header, or undefined (also when the store is down). */
  currentUser(cookieHeader: string | undefined): Promise<SsoUser<Extras> | undefined>;
  /** Ends the session server-side and gives the cookie removal. */
  logout(input: { sessionToken?: string | undefined; https?: boolean | undefined }): Promise<LogoutResult>;
  /**
   * Answers the provider's signed logout notice (back-channel single logout) at
   * `logoutNoticePath`: ends the sign-in's session or every session of the account. Adapters
   * mount it for POST; the answer is sent as is.
   */
  handleLogoutNotice(request: LogoutNoticeRequest): Promise<LogoutNoticeAnswer>;
  /** Ends every session of a user and removes the stored user (e.g. an account closed). */
  removeUser(id: SsoUserId): Promise<void>;
  /** A `Set-Cookie` value removing the session cookie (e.g. when logout cannot reach the store). */
  clearedSessionCookie(https?: boolean): string;
  /** The logger the client writes to (pino-compatible). */
  readonly logger: SsoLogger;
  /** The client's two cookies, read from a `Cookie` header. */
  readCookies(cookieHeader: string | undefined): { sessionToken?: string; loginStateCookie?: string };
  /** The target if it is a safe place to redirect to after sign-in or sign-out, else the default. */
  safeRedirect(target: string | undefined): string;
  /** Closes what the client opened itself (default SQLite file, default memory store). */
  close(): Promise<void>;
}

/** Testing seams, not part of the configuration. */
export interface SsoClientInternals {
  fetch?: typeof fetch;
}

/**
 * Creates the client. The configuration is validated here, once; a mistake throws a
 * `TypeError` naming the option. `Extras` types the provider's user attributes.
 */
export function createSsoClient<Extras extends object = Record<string, unknown>>(
  config: SsoClientConfig = {},
  internals: SsoClientInternals = {},
): SsoClient<Extras> {
  const resolved = resolveClientConfig(config);
  const context = buildClientContext<Extras>(resolved, internals);
  const { cookieName } = resolved;
  const { loginCookieName } = context;

  return {
    settings: Object.freeze({
      providerUrl: resolved.providerUrl,
      callbackPath: resolved.callbackPath,
      logoutNoticePath: resolved.logoutNoticePath,
      defaultRedirect: resolved.defaultRedirect,
      cookieName,
      loginCookieName,
      appUrl: resolved.appUrl,
      providerLogoutUrl: resolved.signOutAtProvider
        ? `${resolved.providerUrl}/logout/?api_key=${encodeURIComponent(resolved.apiKey)}`
        : undefined,
    }),
    users: context.users,
    beginLogin: reported(context.events, 'begin', (input: BeginLoginInput) => beginLogin(context, input)),
    completeLogin: reported(context.events, 'complete', (input: CompleteLoginInput) =>
      completeLogin(context, input),
    ),
    readSession: (cookieHeader, https) => readSession(context, cookieHeader, https),
    lookupSession: (cookieHeader, request) => lookupSession(context, cookieHeader, request),
    currentUser: async (cookieHeader) => (await readSession(context, cookieHeader)).user,
    logout: (input) => logout(context, input),
    handleLogoutNotice: logoutNoticeHandler(context),
    async removeUser(id) {
      await context.sessions.invalidateUser(id);
      await context.users.delete(id);
    },
    clearedSessionCookie: (https) => clearedCookie(cookieName, { secure: context.secureCookies(https) }),
    logger: context.logger,
    readCookies(cookieHeader) {
      const sessionToken = readCookie(cookieHeader, cookieName);
      const loginStateCookie = readCookie(cookieHeader, loginCookieName);
      return {
        ...(sessionToken === undefined ? {} : { sessionToken }),
        ...(loginStateCookie === undefined ? {} : { loginStateCookie }),
      };
    },
    safeRedirect: (target) => safeRedirectTarget(target, context.redirectPolicy) ?? resolved.defaultRedirect,
    close: () => context.close(),
  };
}

/** A login step that tells the app's events how it ended; without listeners, the step itself. */
function reported<I, R>(
  events: SsoClientEvents,
  stage: 'begin' | 'complete',
  step: (input: I) => Promise<R>,
): (input: I) => Promise<R> {
  const done = stage === 'begin' ? events.loginStarted : events.loginCompleted;
  const { loginRefused } = events;
  if (done === undefined && loginRefused === undefined) return step;
  return async (input) => {
    try {
      const result = await step(input);
      done?.();
      return result;
    } catch (error) {
      loginRefused?.(stage, errorCode(error));
      throw error;
    }
  };
}
