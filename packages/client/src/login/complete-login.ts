import { SsoError, siteCookie } from '@ssokit/protocol';
import { type ClientContext, storeUnavailable } from '../client-context.ts';
import { describeError } from '../logging/sso-logger.ts';
import { signInIdOf } from '../logout/sign-in-id.ts';
import { endSession } from '../session/session-flows.ts';
import { type SsoUser, type SsoUserRecord, toSsoUser } from '../user/sso-user.ts';
import { parseCallbackQuery } from './callback-query.ts';
import { loginStateTokens } from './login-state.ts';
import { safeRedirectTarget } from './safe-redirect.ts';

export interface CompleteLoginInput {
  /** The callback's raw query string, as received (`?redirect=%2F&request_token=..&auth_token=..`). */
  query: string;
  /** The browser's pending sign-in cookie. */
  loginStateCookie?: string | undefined;
  /** The browser's current session cookie, if any: that session ends (no session fixation). */
  sessionToken?: string | undefined;
  /** Whether the request came over https (for `secureCookies: 'auto'`). */
  https?: boolean | undefined;
}

export interface CompleteLoginResult<Extras extends object> {
  user: SsoUser<Extras>;
  /** The new session's token; it is also in `setCookies`. */
  sessionToken: string;
  /** `Set-Cookie` values to send with the redirect. */
  setCookies: string[];
  /** Where to send the browser now: a path of this app or an allowed origin. */
  redirectTo: string;
}

const notStartedHere = () =>
  new SsoError(
    'LOGIN_STATE_MISMATCH',
    'This sign-in was not started in this browser, has expired, or was already completed. Please sign in again.',
  );

/**
 * Finishes a sign-in at the callback: refuses a request token this browser did not start
 * (login CSRF, replays), asks the provider who signed in, stores the user and starts a fresh
 * session. Throws `SsoError`s with the status to answer: 400 bad parameters, 403 refused,
 * 502/504 provider trouble, 503 store trouble.
 */
export async function completeLogin<Extras extends object>(
  context: ClientContext<Extras>,
  input: CompleteLoginInput,
): Promise<CompleteLoginResult<Extras>> {
  const { config, logger } = context;
  const callback = parseCallbackQuery(input.query);
  if (loginStateTokens(input.loginStateCookie).length === 0) throw notStartedHere();

  let state: { redirectTo: string } | undefined;
  try {
    state = await context.loginStates.consume(input.loginStateCookie, callback.requestToken);
  } catch (error) {
    logger.error({ err: describeError(error) }, 'could not read a pending sign-in');
    throw storeUnavailable(error, 'session store');
  }
  if (state === undefined) {
    logger.warn({ event: 'login_state_mismatch' }, 'refused a sign-in callback this browser did not start');
    throw notStartedHere();
  }

  let record: SsoUserRecord;
  try {
    record = await context.api.userForTokens(callback.requestToken, callback.authToken);
  } catch (error) {
    logger.warn({ err: describeError(error) }, 'the provider did not confirm a sign-in');
    if (
      error instanceof SsoError &&
      error.code === 'PROVIDER_REFUSED' &&
      error.providerStatus !== undefined &&
      error.providerStatus < 500
    ) {
      throw new SsoError(
        'SIGN_IN_REFUSED',
        `The sign-in service refused this sign-in (${error.wireMessage}).`,
        {
          wireMessage: error.wireMessage,
          cause: error,
        },
      );
    }
    throw error;
  }

  let sessionToken: string;
  try {
    await context.users.save(record);
  } catch (error) {
    logger.error({ err: describeError(error) }, 'could not store the signed-in user');
    throw storeUnavailable(error, 'user store');
  }
  try {
    // Remembered with the session so the provider's logout notice for this sign-in finds it.
    ({ token: sessionToken } = await context.sessions.create(record, {
      signInId: signInIdOf(callback.authToken),
    }));
  } catch (error) {
    logger.error({ err: describeError(error) }, 'could not create a session');
    throw storeUnavailable(error, 'session store');
  }
  if (input.sessionToken !== undefined) {
    // The previous session of this browser (maybe another user's) ends; failing to end it
    // must not undo a good sign-in, the new cookie replaces it anyway.
    await endSession(context, input.sessionToken).catch((error: unknown) => {
      logger.warn({ err: describeError(error) }, 'could not end the previous session at sign-in');
    });
  }

  const secure = context.secureCookies(input.https);
  logger.info({ event: 'login', userId: record.id }, 'user signed in');
  return {
    user: toSsoUser<Extras>(record),
    sessionToken,
    setCookies: [
      siteCookie(config.cookieName, sessionToken, { secure, maxAgeSeconds: config.sessionTtlSeconds }),
    ],
    // The state's target was checked at the start; checked again in case the store was edited.
    redirectTo: safeRedirectTarget(state.redirectTo, context.redirectPolicy) ?? config.defaultRedirect,
  };
}
