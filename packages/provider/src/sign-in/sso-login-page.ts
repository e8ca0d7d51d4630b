import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseQueryString, type QueryPair, urlencodePython2 } from '@ssokit/protocol';
import type { Account } from '../accounts/account.ts';
import { allowedRedirectTarget, callbackPathOf, isCallbackTarget } from '../clients/redirect-target.ts';
import type { Provider } from '../create-provider.ts';
import { readCookie, SESSION_COOKIE } from '../http/cookies.ts';
import {
  cookiesSecure,
  sendFormExpired,
  sendPage,
  sendPlainRefusal,
  sendRedirect,
} from '../http/page-response.ts';
import type { RequestContext } from '../http/request-context.ts';
import { malformedRequest, singleParameters, splitUrl } from '../http/request-parameters.ts';
import { contentSecurityPolicy } from '../http/security-headers.ts';
import { continueAsPage, loginFormPage, wrongCallbackPage } from '../pages/pages.ts';
import { signedInAccount } from '../sessions/signed-in-account.ts';
import { checkSignIn } from './check-sign-in.ts';

/** The client's callback: `next` with `request_token` and `auth_token` added to its query. */
function callbackUrl(target: URL, requestToken: string, authToken: string): string {
  let pairs: QueryPair[];
  try {
    pairs = parseQueryString(target.search.slice(1));
  } catch (cause) {
    throw malformedRequest('next has a malformed query', cause);
  }
  // A `next` that already carries token parameters must not smuggle a second pair to the client.
  pairs = pairs.filter(([name]) => name !== 'request_token' && name !== 'auth_token');
  pairs.push(['request_token', requestToken], ['auth_token', authToken]);
  return `${target.origin}${target.pathname}?${urlencodePython2(pairs)}${target.hash}`;
}

/**
 * Answers one request to the SSO login page; `formFields` is the decoded body of a POST.
 * Bad input rejects with a 400 `SsoError`, for the caller's error handling.
 */
export type SsoLoginPage = (
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  formFields?: Map<string, string>,
) => Promise<void>;

/**
 * `{prefix}login/`: where a client app sends the browser to sign in. Checks the parameters,
 * the request token and the `next` host exactly as the original (same refusal texts) and
 * `next`'s path against the client's callback path (a 400 page), then shows the login form
 * or "Continue with current user?" (a POST form), binds the signed-in user to the request
 * token and sends the browser back to the client with the auth token.
 * Signing in here never starts or changes the provider's own session. Framework-free: served
 * by the Express route and by the fast path in front of Express alike.
 */
export function ssoLoginPage(provider: Provider): SsoLoginPage {
  const { options, requestTokens, clients } = provider;

  const currentAccount = async (req: IncomingMessage): Promise<Account | undefined> =>
    (await signedInAccount(provider, req))?.account;

  return async (req, res, context, formFields) => {
    const { rawQuery } = splitUrl(context.url);
    const params = singleParameters(rawQuery);
    const next = params.get('next');
    const requestToken = params.get('request_token');
    const apiKey = params.get('api_key');
    if (!next || !requestToken || !apiKey) {
      sendPlainRefusal(res, 'PARAMETER_MISSING');
      return;
    }
    const token = await requestTokens.inspect(requestToken);
    if (token === undefined || token.bound) {
      sendPlainRefusal(res, 'INVALID_REQUEST_TOKEN');
      return;
    }
    const client = await clients.findApiKey(apiKey);
    // The original answered an unknown key with the host refusal too.
    if (client === undefined) {
      sendPlainRefusal(res, 'REMOTE_HOST_DENIED');
      return;
    }
    if (token.apiKey !== apiKey) {
      sendPlainRefusal(res, 'INVALID_REQUEST_TOKEN');
      return;
    }
    const target = allowedRedirectTarget(next, client);
    if (target === undefined) {
      sendPlainRefusal(res, 'REMOTE_HOST_DENIED');
      return;
    }
    if (!isCallbackTarget(target, client)) {
      provider.logger.warn(
        { event: 'sso_next_refused', apiKey, path: target.pathname.slice(0, 200), address: context.address },
        'refused a login whose next is not the client callback path',
      );
      sendPage(
        res,
        400,
        options.siteName,
        'Bad sign-in link',
        wrongCallbackPage(target.host, callbackPathOf(client)),
      );
      return;
    }

    // The form posts here, and the answer redirects on to the client: allow both.
    res.setHeader('Content-Security-Policy', contentSecurityPolicy([target.origin]));
    const secure = cookiesSecure(context.https, options.secureCookies);
    const minutesLeft = Math.max(1, Math.ceil((token.expiresAt - options.now()) / 60_000));
    const intro = `Signing in to ${target.host}.`;
    const showForm = async (status: number, error?: string, username?: string) =>
      sendPage(
        res,
        status,
        options.siteName,
        'Sign in',
        loginFormPage({
          action: '',
          csrfToken: await provider.csrf.tokenFor(req, res, secure),
          next,
          minutesLeft,
          intro,
          ...(error === undefined ? {} : { error }),
          ...(username === undefined ? {} : { username }),
        }),
      );
    const bindAndRedirect = async (account: Account, providerSessionToken?: string) => {
      const authToken = await requestTokens.bind(requestToken, account.id);
      if (authToken === undefined) {
        sendPlainRefusal(res, 'INVALID_REQUEST_TOKEN');
        return;
      }
      // Before the browser gets the token: a sign-in single logout cannot find is not handed out.
      await provider.singleLogout.recordSignIn({
        authToken,
        apiKey,
        userId: account.id,
        providerSessionToken,
      });
      sendRedirect(res, callbackUrl(target, requestToken, authToken));
    };

    const showContinue = async (current: Account) =>
      sendPage(
        res,
        200,
        options.siteName,
        'Continue',
        continueAsPage({
          username: current.username,
          csrfToken: await provider.csrf.tokenFor(req, res, secure),
          minutesLeft,
        }),
      );

    if (req.method !== 'POST') {
      // A GET never signs in, whatever its `cwca`: a link or an <img> on any site could send
      // it. `cwca=no` (the original's "switch account" URL) still goes straight to the form.
      const current = params.get('cwca') === 'no' ? undefined : await currentAccount(req);
      if (current !== undefined) await showContinue(current);
      else await showForm(200);
      return;
    }

    if (!(await provider.csrf.matches(req, formFields))) {
      sendFormExpired(res, options.siteName, 'sign in');
      return;
    }
    const choice = formFields?.get('cwca');
    if (choice !== undefined) {
      // The buttons of the "Continue with current user?" form.
      const current = choice === 'yes' ? await currentAccount(req) : undefined;
      if (current === undefined) {
        // "switch account", or the provider session ended meanwhile: sign in with the form.
        await showForm(200);
        return;
      }
      provider.logger.info(
        {
          event: 'login',
          via: 'sso-continue',
          username: current.username,
          outcome: 'success',
          apiKey,
          address: context.address,
        },
        'login continued with the provider session',
      );
      provider.events.emit({
        type: 'continue_as',
        username: current.username,
        address: context.address,
        apiKey,
      });
      await bindAndRedirect(current, readCookie(req, SESSION_COOKIE));
      return;
    }
    const fields = formFields ?? new Map<string, string>();
    const username = fields.get('username');
    const result = await checkSignIn(provider, {
      username,
      password: fields.get('password'),
      address: context.address,
      via: 'sso',
      apiKey,
    });
    switch (result.outcome) {
      case 'success':
        await bindAndRedirect(result.account);
        return;
      case 'rate_limited':
        res.setHeader('Retry-After', String(result.retryAfterSeconds));
        await showForm(
          429,
          `Too many failed sign-ins. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minutes.`,
          username,
        );
        return;
      case 'missing_fields':
        await showForm(200, 'Enter a username and a password.', username);
        return;
      case 'bad_credentials':
        // 200 with the form and a note, as the original answered a wrong password.
        await showForm(200, 'Please enter a correct username and password.', username);
        return;
    }
  };
}
