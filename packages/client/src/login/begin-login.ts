import { SsoError, siteCookie, urlencodePython2 } from '@ssokit/protocol';
import { type ClientContext, storeUnavailable } from '../client-context.ts';
import { describeError } from '../logging/sso-logger.ts';
import { renewedLoginState } from './login-state.ts';
import { safeRedirectTarget } from './safe-redirect.ts';

export interface BeginLoginInput {
  /**
   * Where the user wants to go after signing in (`?next=`); unsafe targets become the default.
   * @default config.defaultRedirect
   */
  redirectTo?: string | undefined;
  /**
   * This app's absolute callback URL, e.g. `http://localhost:8000/myssoclient/auth/`.
   * @default appUrl + callbackPath (required when appUrl is not configured)
   */
  callbackUrl?: string | undefined;
  /**
   * The browser's pending sign-in cookie, if it has one. The new sign-in is always bound to a
   * new random value; the cookie's previous values are kept beside it so sign-ins started in
   * other tabs can still finish.
   * @default none
   */
  loginStateCookie?: string | undefined;
  /**
   * Whether the request came over https (for `secureCookies: 'auto'`).
   * @default whether callbackUrl is https
   */
  https?: boolean | undefined;
}

export interface BeginLoginResult {
  /** The provider's login page to redirect the browser to (302). */
  location: string;
  /** `Set-Cookie` values to send with the redirect. */
  setCookies: string[];
}

/**
 * Keeps the `redirect` readable inside the callback as the original wrote it (`?redirect=/`),
 * while escaping what would end or change the parameter (`&`, `#`, `+`, `%`, ...).
 */
function encodeRedirectParameter(target: string): string {
  return encodeURIComponent(target).replaceAll('%2F', '/');
}

/**
 * Starts a sign-in: gets a request token over the signed back channel, binds it to this
 * browser, and gives the provider login URL, built as the original client built it:
 * `{url}{prefix}login/?api_key=K&request_token=R&next=<callback?redirect=...>`.
 */
export async function beginLogin<Extras extends object>(
  context: ClientContext<Extras>,
  input: BeginLoginInput,
): Promise<BeginLoginResult> {
  const { config } = context;
  const redirectTo = safeRedirectTarget(input.redirectTo, context.redirectPolicy) ?? config.defaultRedirect;
  const callbackUrl =
    input.callbackUrl ?? (config.appUrl === undefined ? undefined : config.appUrl + config.callbackPath);
  if (callbackUrl === undefined || !/^https?:\/\/[^/?#]+/.test(callbackUrl)) {
    throw new TypeError('beginLogin() needs an absolute callbackUrl when the client has no appUrl');
  }

  let requestToken: string;
  try {
    requestToken = await context.api.newRequestToken();
  } catch (error) {
    if (error instanceof SsoError && error.code === 'PROVIDER_REFUSED') {
      // Refusing reqeusttoken/ means this app's credentials or clock are wrong: an operator's
      // problem, logged with the provider's reason; the visitor sees the service as unavailable.
      context.logger.error(
        { err: describeError(error), providerError: error.wireMessage },
        'the provider refused to issue a request token: check apiKey, secretKey and the clock',
      );
      throw new SsoError(
        'PROVIDER_REFUSED',
        'the sign-in service refused this site; please try again later',
        {
          wireMessage: error.wireMessage,
          cause: error,
        },
      );
    }
    context.logger.warn({ err: describeError(error) }, 'could not get a request token from the provider');
    throw error;
  }

  const loginState = renewedLoginState(input.loginStateCookie);
  try {
    await context.loginStates.remember(loginState.token, requestToken, { redirectTo });
  } catch (error) {
    context.logger.error({ err: describeError(error) }, 'could not store a pending sign-in');
    throw storeUnavailable(error, 'session store');
  }

  const next = `${callbackUrl}${callbackUrl.includes('?') ? '&' : '?'}redirect=${encodeRedirectParameter(redirectTo)}`;
  const query = urlencodePython2([
    ['api_key', config.apiKey],
    ['request_token', requestToken],
    ['next', next],
  ]);
  const secure = context.secureCookies(input.https ?? callbackUrl.startsWith('https:'));
  return {
    location: `${context.api.loginPageBase()}?${query}`,
    setCookies: [
      siteCookie(context.loginCookieName, loginState.cookie, {
        secure,
        maxAgeSeconds: config.loginStateTtlSeconds,
      }),
    ],
  };
}
