import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseQueryString, type QueryPair, urlencodePython2, WIRE_ERROR_TEXT } from '@ssokit/protocol';
import type { Account } from '../accounts/account.ts';
import { allowedRedirectTarget } from '../clients/redirect-target.ts';
import type { Provider } from '../create-provider.ts';
import { readCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { csrfTokenFor, csrfTokenMatches } from '../http/csrf.ts';
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
import { continueAsPage, loginFormPage } from '../pages/pages.ts';
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

/** The page's own URL with `cwca` set, as the original's "continue" / "switch account" links. */
function withCwca(path: string, rawQuery: string, value: 'yes' | 'no'): string {
  const kept = rawQuery.split('&').filter((part) => part !== '' && !/^cwca(=|$)/.test(part));
  return `${path}?${[...kept, `cwca=${value}`].join('&')}`;
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
 * the request token and the `next` host exactly as the original (same refusal texts), then
 * shows the login form or "Continue with current user?", binds the signed-in user to the
 * request token and sends the browser back to the client with the auth token.
 * Signing in here never starts or changes the provider's own session. Framework-free: served
 * by the Express route and by the fast path in front of Express alike.
 */
export function ssoLoginPage(provider: Provider): SsoLoginPage {
  const { options, requestTokens, clients, accounts, sessions } = provider;

  const currentAccount = async (req: IncomingMessage): Promise<Account | undefined> => {
    const session = await sessions.read(readCookie(req, SESSION_COOKIE));
    if (session === undefined) return undefined;
    const account = await accounts.findById(session.userId);
    return account?.isActive ? account : undefined;
  };

  return async (req, res, context, formFields) => {
    const { path: requestPath, rawQuery } = splitUrl(context.url);
    const params = singleParameters(rawQuery);
    const next = params.get('next');
    const requestToken = params.get('request_token');
    const apiKey = params.get('api_key');
    if (!next || !requestToken || !apiKey) {
      sendPlainRefusal(res, 403, WIRE_ERROR_TEXT.PARAMETER_MISSING);
      return;
    }
    const token = await requestTokens.inspect(requestToken);
    if (token === undefined || token.bound) {
      sendPlainRefusal(res, 403, WIRE_ERROR_TEXT.INVALID_REQUEST_TOKEN);
      return;
    }
    const client = await clients.findApiKey(apiKey);
    // The original answered an unknown key with the host refusal too.
    if (client === undefined) {
      sendPlainRefusal(res, 403, WIRE_ERROR_TEXT.REMOTE_HOST_DENIED);
      return;
    }
    if (token.apiKey !== apiKey) {
      sendPlainRefusal(res, 403, WIRE_ERROR_TEXT.INVALID_REQUEST_TOKEN);
      return;
    }
    const target = allowedRedirectTarget(next, client);
    if (target === undefined) {
      sendPlainRefusal(res, 403, WIRE_ERROR_TEXT.REMOTE_HOST_DENIED);
      return;
    }

    // The form posts here, and the answer redirects on to the client: allow both.
    res.setHeader('Content-Security-Policy', contentSecurityPolicy([target.origin]));
    const secure = cookiesSecure(context.https, options.secureCookies);
    const minutesLeft = Math.max(1, Math.ceil((token.expiresAt - options.now()) / 60_000));
    const intro = `Signing in to ${target.host}.`;
    const showForm = (status: number, error?: string, username?: string) =>
      sendPage(
        res,
        status,
        options.siteName,
        'Sign in',
        loginFormPage({
          action: '',
          csrfToken: csrfTokenFor(req, res, secure),
          next,
          minutesLeft,
          intro,
          ...(error === undefined ? {} : { error }),
          ...(username === undefined ? {} : { username }),
        }),
      );
    const bindAndRedirect = async (account: Account) => {
      const authToken = await requestTokens.bind(requestToken, account.id);
      if (authToken === undefined) {
        sendPlainRefusal(res, 403, WIRE_ERROR_TEXT.INVALID_REQUEST_TOKEN);
        return;
      }
      sendRedirect(res, callbackUrl(target, requestToken, authToken));
    };

    if (req.method !== 'POST') {
      const cwca = params.get('cwca');
      const current = cwca === 'no' ? undefined : await currentAccount(req);
      if (current !== undefined && cwca === 'yes') {
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
        await bindAndRedirect(current);
      } else if (current !== undefined) {
        sendPage(
          res,
          200,
          options.siteName,
          'Continue',
          continueAsPage({
            username: current.username,
            continueUrl: withCwca(requestPath, rawQuery, 'yes'),
            switchUrl: withCwca(requestPath, rawQuery, 'no'),
            minutesLeft,
          }),
        );
      } else {
        // Includes `cwca=yes` without a provider session, where the original crashed.
        showForm(200);
      }
      return;
    }

    if (!csrfTokenMatches(req, formFields)) {
      sendFormExpired(res, options.siteName, 'sign in');
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
        showForm(
          429,
          `Too many failed sign-ins. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minutes.`,
          username,
        );
        return;
      case 'missing_fields':
        showForm(200, 'Enter a username and a password.', username);
        return;
      case 'bad_credentials':
        // 200 with the form and a note, as the original answered a wrong password.
        showForm(200, 'Please enter a correct username and password.', username);
        return;
    }
  };
}
